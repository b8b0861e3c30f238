/**
 * Garbage-collection benchmark: one project follows a chain of commits until it has 100
 * snapshots, each commit rewriting some of its files; then one collection keeps only the current
 * snapshot. Prints the collection's time, what it removed and the object-store requests it made,
 * beside the store's objects and bytes before and after. Everything runs on loopback.
 *
 *   node --import tsx bench/gc.ts [--files 2000] [--snapshots 100] [--changed 100]
 */
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs, promisify } from 'node:util';
import { loadConfig } from '../src/config.js';
import { collectGarbage } from '../src/gc/collect-garbage.js';
import { garbageStoreFor } from '../src/gc/garbage-store-adapter.js';
import type { BlobStore } from '../src/storage/blob-store.js';
import { createIndexedBlobStore } from '../src/storage/indexed-blob-store.js';
import { createS3BlobStore } from '../src/storage/s3-blob-store.js';
import type { Project, ProjectView } from '../test/support/api-answers.js';
import { openImportStack, type ImportStack } from './lib/import-stack.js';
import { runBench } from './lib/run-bench.js';
import { log } from './lib/scenario.js';
import { formatTable, mib, seconds } from './lib/table.js';

const run = promisify(execFile);
const USAGE = 'node --import tsx bench/gc.ts [--files 2000] [--snapshots 100] [--changed 100]';

interface GcBenchOptions {
  files: number;
  snapshots: number;
  changed: number;
}

function parseOptions(argv: string[]): GcBenchOptions {
  const { values } = parseArgs({ args: argv, options: { files: { type: 'string', default: '2000' }, snapshots: { type: 'string', default: '100' }, changed: { type: 'string', default: '100' } } });
  const positive = (name: keyof typeof values) => {
    const value = Number(values[name]);
    if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} must be a positive integer, got "${values[name]}"\n${USAGE}`);
    return value;
  };
  const options = { files: positive('files'), snapshots: positive('snapshots'), changed: positive('changed') };
  if (options.changed > options.files) throw new Error(`--changed (${options.changed}) cannot exceed --files (${options.files})\n${USAGE}`);
  return options;
}

const filePath = (i: number) => `src/d${i % 20}/f${String(i).padStart(5, '0')}.txt`;
const content = (i: number, version: number) => `file ${i}, version ${version}\n${'lorem ipsum dolor sit amet '.repeat(10 + (i % 30))}\n`;

/**
 * Writes, with one `git fast-import`, a first commit of `files` files on `main` and `length - 1`
 * commits after it on refs/bench/gc, commit n rewriting `changed` files (a different slice each time).
 */
async function writeHistory(gitDir: string, { files, length, changed }: { files: number; length: number; changed: number }): Promise<string[]> {
  const child = spawn('git', ['fast-import', '--quiet', '--done'], { env: { ...process.env, GIT_DIR: gitDir }, stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const exited = once(child, 'exit') as Promise<[number | null]>;
  const data = (text: string) => `data ${Buffer.byteLength(text)}\n${text}\n`;
  const parts: string[] = [];
  const commit = (ref: string, n: number) => `commit ${ref}\ncommitter Bench <bench@example.invalid> ${1_700_000_000 + n} +0000\n${data(`version ${n}`)}`;
  parts.push(commit('refs/heads/main', 0));
  for (let i = 0; i < files; i++) parts.push(`M 100644 inline ${filePath(i)}\n${data(content(i, 0))}`);
  for (let n = 1; n < length; n++) {
    parts.push(commit('refs/bench/gc', n) + (n === 1 ? 'from refs/heads/main\n' : ''));
    for (let k = 0; k < changed; k++) {
      const i = (n * changed + k) % files;
      parts.push(`M 100644 inline ${filePath(i)}\n${data(content(i, n))}`);
    }
  }
  parts.push('done\n');
  child.stdin.end(parts.join(''));
  const [code] = await exited;
  if (code !== 0) throw new Error(`git fast-import exited with ${code}: ${stderr}`);
  const env = { ...process.env, GIT_DIR: gitDir };
  const { stdout: base } = await run('git', ['rev-parse', 'refs/heads/main'], { env });
  const { stdout } = length > 1 ? await run('git', ['rev-list', '--reverse', 'refs/heads/main..refs/bench/gc'], { env, maxBuffer: 1 << 24 }) : { stdout: '' };
  return [base.trim(), ...stdout.split('\n').filter(Boolean)];
}

async function projectView(stack: ImportStack, id: string): Promise<ProjectView> {
  return (await stack.app.inject({ method: 'GET', url: `/api/projects/${id}`, headers: stack.auth })).json<ProjectView>();
}

async function waitSyncedTo(stack: ImportStack, id: string, sha: string): Promise<void> {
  for (const deadline = Date.now() + 300_000; Date.now() < deadline; await sleep(50)) {
    const view = await projectView(stack, id);
    if (view.sync.lastSyncedSha === sha && view.sync.status === 'synced') return;
    if (view.sync.status === 'failed') throw new Error(`the sync to ${sha} failed: ${JSON.stringify(view.sync)}`);
  }
  throw new Error(`the project never synced to ${sha}`);
}

/** Objects and bytes the store holds, by kind. */
async function storeContents(blobs: BlobStore): Promise<{ objects: number; packs: number; bytes: number }> {
  const totals = { objects: 0, packs: 0, bytes: 0 };
  for await (const page of blobs.inventory()) {
    for (const object of page) {
      if (object.kind === 'pack') totals.packs += 1;
      else totals.objects += 1;
      totals.bytes += object.size;
    }
  }
  return totals;
}

runBench('bench/gc.ts', parseOptions, async (options, { services, cleanup, command }) => {
  const stack = await openImportStack(services, 'gc');
  cleanup.add('gc stack', stack.close);
  const s3 = loadConfig(stack.env).s3!;
  const blobs = createIndexedBlobStore(stack.db, createS3BlobStore({ config: s3 }));
  cleanup.add('gc blob store', () => blobs.close());

  const { path: gitDir } = await services.github.repos.create('bench', 'gc', { defaultBranch: 'main' });
  const commits = await writeHistory(gitDir, { files: options.files, length: options.snapshots, changed: options.changed });
  log(`generated bench/gc: ${options.files} files, ${commits.length} commits rewriting ${options.changed} files each`);

  const linked = await stack.app.inject({ method: 'POST', url: '/api/projects', headers: stack.auth, payload: { owner: 'bench', repo: 'gc', token: services.github.token } });
  if (linked.statusCode !== 201) throw new Error(`linking failed: ${linked.statusCode} ${linked.body}`);
  const { id } = linked.json<Project>();
  const importStarted = await stack.app.inject({ method: 'POST', url: `/api/projects/${id}/sync/initial`, headers: stack.auth });
  if (importStarted.statusCode !== 202) throw new Error(`the import did not start: ${importStarted.statusCode} ${importStarted.body}`);
  await waitSyncedTo(stack, id, commits[0]!);
  const following = performance.now();
  for (const [n, sha] of commits.slice(1).entries()) {
    await run('git', ['update-ref', 'refs/heads/main', sha], { env: { ...process.env, GIT_DIR: gitDir } });
    const started = await stack.app.inject({ method: 'POST', url: `/api/projects/${id}/sync`, headers: stack.auth });
    if (started.statusCode !== 202) throw new Error(`sync ${n + 1} did not start: ${started.statusCode} ${started.body}`);
    await waitSyncedTo(stack, id, sha);
    if ((n + 1) % 20 === 0) log(`synced ${n + 2} of ${commits.length} commits`);
  }
  const followMs = performance.now() - following;
  const snapshots = await stack.db.selectFrom('snapshots').select((eb) => eb.fn.countAll<string>().as('n')).where('project_id', '=', id).executeTakeFirstOrThrow();
  log(`${snapshots.n} snapshots after ${seconds(followMs)} s of syncs; collecting`);

  const before = await storeContents(blobs);
  const store = garbageStoreFor(blobs);
  const started = performance.now();
  // Grace 0: the benchmark stands in for a collection a grace period after the last sync.
  const report = await collectGarbage(stack.db, store, { graceMs: 0, keepSnapshots: 1 });
  const firstMs = performance.now() - started;
  if (!report) throw new Error('another collector held the lease');
  const firstRequests = { ...report.requests };
  // The packs the first run retired are deleted by the next one (a grace period later in production).
  const second = performance.now();
  const followUp = await collectGarbage(stack.db, garbageStoreFor(blobs), { graceMs: 0, keepSnapshots: 1 });
  const secondMs = performance.now() - second;
  const after = await storeContents(blobs);

  const current = await stack.db.selectFrom('snapshots').select('file_count').where('project_id', '=', id).executeTakeFirstOrThrow();
  process.stdout.write(`\nGarbage collection after ${snapshots.n} snapshots of one project (${options.files} files, ${options.changed} rewritten per commit)\n\n`);
  process.stdout.write(
    formatTable(
      ['run', 'time s', 'snapshots pruned', 'blob rows removed', 'packs rewritten / retired / deleted', 'objects deleted', 'MiB freed', 'S3 requests (list / get / put / delete)'],
      [
        ['1: prune + sweep + repack', seconds(firstMs), report.snapshotsPruned, report.blobRowsRemoved, `${report.packsRewritten} / ${report.packsRetired} / ${report.packsDeleted}`, report.objectsDeleted, mib(report.bytesFreed), `${firstRequests.list} / ${firstRequests.get} / ${firstRequests.put} / ${firstRequests.delete}`],
        ['2: delete retired packs', seconds(secondMs), followUp!.snapshotsPruned, followUp!.blobRowsRemoved, `${followUp!.packsRewritten} / ${followUp!.packsRetired} / ${followUp!.packsDeleted}`, followUp!.objectsDeleted, mib(followUp!.bytesFreed), `${followUp!.requests.list} / ${followUp!.requests.get} / ${followUp!.requests.put} / ${followUp!.requests.delete}`],
      ],
    ),
  );
  process.stdout.write(`\nstore before: ${before.packs} packs + ${before.objects} blob objects, ${mib(before.bytes)} MiB; after: ${after.packs} packs + ${after.objects} blob objects, ${mib(after.bytes)} MiB; current snapshot ${current.file_count} files\n`);
  process.stdout.write(`syncs: 1 import + ${commits.length - 1} incremental syncs in ${seconds(followMs)} s\n\ncommand: ${command}\n`);
});
