import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Cleanup } from './cleanup.js';
import { byHand, type ByHandFigures } from './by-hand.js';
import { fastImport, type GeneratedFile } from './fast-import.js';
import { openImportStack, type ImportStackOptions } from './import-stack.js';
import { startMemoryArchiveProxy } from './memory-archive-proxy.js';
import { measureImport, type ImportFigures } from './measure-import.js';
import type { Report } from './report.js';
import type { BenchServices } from './services.js';
import { mib, mibPerSecond, seconds } from './table.js';
import { measureZipReader, type ZipFigures } from './zip-reader.js';

const run = promisify(execFile);
const OWNER = 'bench';

export interface BenchContext {
  services: BenchServices;
  cleanup: Cleanup;
  report: Report;
}

export const log = (message: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);

/** A served repository filled with generated files in one commit on `main`. */
export async function generateRepo(ctx: BenchContext, name: string, files: Iterable<GeneratedFile>): Promise<string> {
  const { path: gitDir } = await ctx.services.github.repos.create(OWNER, name, { defaultBranch: 'main' });
  const made = await fastImport(gitDir, files);
  log(`generated ${name}: ${made.files} files, ${mib(made.bytes)} MiB in ${seconds(made.ms)} s`);
  return gitDir;
}

/** A served repository holding the HEAD of a real one (`source`: a git dir or a work tree) on `main`. */
export async function pushRepo(ctx: BenchContext, name: string, source: string): Promise<string> {
  const { path: gitDir } = await ctx.services.github.repos.create(OWNER, name, { defaultBranch: 'main' });
  await run('git', ['-C', source, 'push', '--quiet', gitDir, 'HEAD:refs/heads/main'], { maxBuffer: 1 << 20 });
  log(`pushed the HEAD of ${source} into ${OWNER}/${name}`);
  return gitDir;
}

/** One InitialSync of `repo` on a fresh stack (database, bucket, worker process). */
export async function importOnce(ctx: BenchContext, label: string, repo: string, options: ImportStackOptions = {}): Promise<ImportFigures> {
  log(`${label}: starting a fresh worker process and importing ${OWNER}/${repo}`);
  const stack = await openImportStack(ctx.services, label, options);
  ctx.cleanup.add(label, stack.close);
  try {
    const figures = await measureImport(stack, ctx.services.github, OWNER, repo);
    log(`${label}: ${figures.files} files, ${mib(figures.bytes)} MiB in ${seconds(figures.wallMs)} s, peak worker RSS ${mib(figures.peakRss)} MiB`);
    return figures;
  } finally {
    await ctx.cleanup.release(label);
  }
}

/** reposync's import, the by-hand way, and the zip reader against unzip, on one repository. */
export async function compareWays(ctx: BenchContext, label: string, repo: string, gitDir: string): Promise<{ figures: ImportFigures; hand: ByHandFigures; zip: ZipFigures; archive: string }> {
  const figures = await importOnce(ctx, label, repo);
  ctx.report.addImport(label, figures);
  log(`${label}: by hand (git clone --depth 1 + aws s3 cp --recursive)`);
  const hand = await byHand(ctx.services, gitDir, label);
  log(`${label}: by hand took ${seconds(hand.wallMs)} s`);
  ctx.report.addByHand(label, figures.files, figures.bytes, hand);
  const archive = path.join(ctx.services.root, `${repo}.zip`);
  log(`${label}: zip reader against unzip -p`);
  const zip = await measureZipReader(ctx.services.github, OWNER, repo, archive);
  ctx.report.addZip(label, archive, zip);
  return { figures, hand, zip, archive };
}

/**
 * The same import again, with the archive (the one `compareWays` downloaded) served from memory
 * instead of the emulator's `git archive`, beside the floor a person could reach on this machine:
 * `unzip -p` of that archive plus the AWS CLI's upload of the same files.
 */
export async function importFromMemory(ctx: BenchContext, label: string, repo: string, compared: { hand: ByHandFigures; zip: ZipFigures; archive: string }): Promise<void> {
  const proxy = await startMemoryArchiveProxy(ctx.services.github.url, new Map([[`${OWNER}/${repo}`, await readFile(compared.archive)]]));
  ctx.cleanup.add(`${label} archive proxy`, proxy.close);
  try {
    const figures = await importOnce(ctx, `${label}, archive from memory`, repo, { env: { GITHUB_API_URL: proxy.url } });
    if (proxy.served() !== 1) throw new Error(`the archive was served from memory ${proxy.served()} times, not once`);
    ctx.report.addImport(`${label}, archive from memory`, figures);
    const floorMs = compared.zip.unzipMs + compared.hand.copyMs;
    ctx.report.addNote(
      `${label}, archive from memory: ${mib(figures.bytes)} MiB in ${seconds(figures.wallMs)} s = ${mibPerSecond(figures.bytes, figures.wallMs)} MiB/s; ` +
        `unzip -p ${seconds(compared.zip.unzipMs)} s + aws s3 cp ${seconds(compared.hand.copyMs)} s = ${mibPerSecond(figures.bytes, floorMs)} MiB/s; ` +
        `reposync ÷ (unzip + upload) = ${(floorMs / figures.wallMs).toFixed(2)}`,
    );
  } finally {
    await ctx.cleanup.release(`${label} archive proxy`);
  }
}
