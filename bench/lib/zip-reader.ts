import { spawn, spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { fileURLToPath } from 'node:url';
import { readZipEntries } from '../../src/sync/zip-entries.js';
import { readZipFast } from './fast-zip-reader.js';
import type { GitHubEmulator } from '@reposync/github-emulator';

const ensureTools = fileURLToPath(new URL('../../scripts/ensure-tools.sh', import.meta.url));

export interface ZipFigures {
  archiveBytes: number;
  entries: number;
  inflatedBytes: number;
  /** Fetching the zipball from the emulator (git archive on this machine) into a file. */
  downloadMs: number;
  /** readZipEntries over the file, every body consumed. */
  readerMs: number;
  /** `unzip -p archive > /dev/null`. */
  unzipMs: number;
  /** The candidate reader of bench/lib/fast-zip-reader.ts; undefined when it cannot read the archive. */
  candidateMs: number | undefined;
}

/** Debian's unzip, the reference the zip reader is held against; scripts/ensure-tools.sh installs it when missing. */
export function ensureUnzip(): void {
  if (spawnSync('unzip', ['-v'], { stdio: 'ignore' }).status === 0) return;
  const { status } = spawnSync('bash', [ensureTools, 'unzip'], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (status !== 0) throw new Error('unzip is needed for the zip reader comparison, and scripts/ensure-tools.sh unzip could not install it');
}

/** Downloads the zipball once, then times our reader and `unzip -p` on that same file. */
export async function measureZipReader(github: GitHubEmulator, owner: string, repo: string, file: string): Promise<ZipFigures> {
  const started = performance.now();
  const response = await fetch(`${github.url}/repos/${owner}/${repo}/zipball/main`, { headers: { authorization: `token ${github.token}` } });
  if (!response.ok || !response.body) throw new Error(`zipball download failed: HTTP ${response.status}`);
  await pipeline(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), createWriteStream(file));
  const downloadMs = performance.now() - started;

  const readStart = performance.now();
  const { entries, inflatedBytes } = await readAll(readZipEntries(createReadStream(file)));
  const readerMs = performance.now() - readStart;

  const candidateStart = performance.now();
  const candidate = await readAll(readZipFast(createReadStream(file))).catch((error: Error) => {
    process.stderr.write(`candidate zip reader: ${error.message}\n`);
    return undefined;
  });
  const candidateMs = candidate?.inflatedBytes === inflatedBytes ? performance.now() - candidateStart : undefined;

  const unzipStart = performance.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn('unzip', ['-p', file], { stdio: ['ignore', 'ignore', 'inherit'] });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`unzip -p exited with ${code}`))));
  });
  const unzipMs = performance.now() - unzipStart;
  return { archiveBytes: (await stat(file)).size, entries, inflatedBytes, downloadMs, readerMs, unzipMs, candidateMs };
}

/** Reads every entry's body to the end, counting entries and inflated bytes. */
async function readAll(entries: AsyncIterable<{ body: Buffer | Iterable<Buffer> | AsyncIterable<Buffer> | Readable }>): Promise<{ entries: number; inflatedBytes: number }> {
  let count = 0;
  let inflatedBytes = 0;
  for await (const entry of entries) {
    count += 1;
    // Small entries come whole, as one Buffer (iterating it would yield bytes, not chunks).
    if (Buffer.isBuffer(entry.body)) inflatedBytes += entry.body.length;
    else for await (const chunk of entry.body as Iterable<Buffer>) inflatedBytes += chunk.length;
  }
  return { entries: count, inflatedBytes };
}
