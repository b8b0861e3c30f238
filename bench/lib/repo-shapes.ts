import type { GeneratedFile } from './fast-import.js';

const KiB = 1024;
const MiB = 1024 * KiB;

/** Many small source-like files (1-2 KiB each), 100 to a folder, as in a large monorepo. */
export function* smallFiles(count: number): Generator<GeneratedFile> {
  const extensions = ['.ts', '.py', '.txt', '.md', '.json'];
  for (let i = 0; i < count; i += 1) {
    const folder = `src/m${String(Math.floor(i / 1000)).padStart(3, '0')}/d${String(Math.floor(i / 100) % 10)}`;
    yield { path: `${folder}/f${String(i).padStart(6, '0')}${extensions[i % extensions.length]}`, size: KiB + ((i * 7919) % KiB) };
  }
}

/** A few large text files (logs, data dumps, generated code). */
export function* largeFiles(count: number, sizeMiB: number): Generator<GeneratedFile> {
  for (let i = 0; i < count; i += 1) yield { path: `data/large-${i + 1}.txt`, size: sizeMiB * MiB };
}

/**
 * One ~50 MiB unit of a mixed repository: a 16 MiB file (streamed in parts), eight 3 MiB files
 * (under the 4 MiB line below which the importer buffers a file and uploads it in the
 * background) and 500 files of 20 KiB. A larger repository repeats the unit, so the 50 MB and
 * the 1 GB repositories differ in size only, not in shape.
 */
export function* mixedUnits(units: number): Generator<GeneratedFile> {
  for (let u = 0; u < units; u += 1) {
    const folder = `part-${String(u).padStart(3, '0')}`;
    yield { path: `${folder}/big.txt`, size: 16 * MiB };
    for (let i = 0; i < 8; i += 1) yield { path: `${folder}/medium-${i}.txt`, size: 3 * MiB };
    for (let i = 0; i < 500; i += 1) yield { path: `${folder}/small/s${String(i).padStart(3, '0')}.txt`, size: 20 * KiB };
  }
}
