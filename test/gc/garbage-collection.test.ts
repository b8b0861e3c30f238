import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectGarbage, type GarbageReport } from '../../src/gc/collect-garbage.js';
import { garbageStoreFor } from '../../src/gc/garbage-store-adapter.js';
import { blobsRepository } from '../../src/db/repositories/blobs.js';
import { garbageRepository } from '../../src/db/repositories/garbage.js';
import { ensureGcSchedule, gcScheduleId } from '../../src/temporal/gc-schedule.js';
import type { GarbageCollectionResult } from '../../src/shared/garbage-collection.js';
import type { FileList } from '../support/api-answers.js';
import { importRepository } from '../support/import-repository.js';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';

let h: SyncHarness;
beforeAll(async () => {
  h = await startSyncHarness();
});
afterAll(() => h.close());

/** Files of a few hundred bytes each, different per `tag`, so they land in packs. */
function smallFiles(tag: string, count: number): Record<string, string> {
  return Object.fromEntries(Array.from({ length: count }, (_, i) => [`dir-${i % 7}/file-${i}.txt`, `${tag} file ${i}\n${'x'.repeat(200 + (i % 50))}\n`]));
}

const gitBlobSha = (content: string) => createHash('sha1').update(`blob ${Buffer.byteLength(content)}\0`).update(content).digest('hex');

async function listFiles(id: string): Promise<FileList['files']> {
  return (await h.app.inject({ method: 'GET', url: `/api/projects/${id}/files?limit=1000`, headers: h.auth() })).json<FileList>().files;
}

/** Every file of the project's current snapshot answers 200 with the bytes its SHA names. */
async function expectEveryFileReadable(id: string, files: Record<string, string>): Promise<void> {
  const listed = await listFiles(id);
  expect(listed.length).toBe(Object.keys(files).length);
  for (const file of listed) {
    const response = await h.app.inject({ method: 'GET', url: `/api/projects/${id}/files/${file.path}`, headers: h.auth() });
    expect(response.statusCode, file.path).toBe(200);
    expect(response.body, file.path).toBe(files[file.path]);
  }
}

/** Makes every blob row, pack and snapshot look older than any grace period. */
async function ageEverything(): Promise<void> {
  await sql`update blobs set touched_at = now() - interval '10 days', created_at = now() - interval '10 days'`.execute(h.db);
  await sql`update blob_packs set created_at = now() - interval '10 days'`.execute(h.db);
  await sql`update snapshots set created_at = created_at - interval '10 days'`.execute(h.db);
}

const collect = (graceMs: number, keepSnapshots = 0) => collectGarbage(h.db, garbageStoreFor(h.blobs), { graceMs, keepSnapshots }) as Promise<GarbageReport>;

async function packCount(): Promise<number> {
  const row = await h.db.selectFrom('blob_packs').select((eb) => eb.fn.countAll<string>().as('n')).where('retired_at', 'is', null).executeTakeFirstOrThrow();
  return Number(row.n);
}

describe('garbage collection', () => {
  it('removes what only pruned snapshots referenced, rewrites packs that became mostly garbage, and keeps every current file readable', async () => {
    const first = smallFiles('first', 60);
    const id = await importRepository(h, 'gc-prune', first);
    // The second commit keeps 10 files and replaces 50: most of the first import's pack is garbage once its snapshot goes.
    const second: Record<string, string> = { ...smallFiles('second', 60) };
    for (let i = 0; i < 10; i++) second[`dir-${i % 7}/file-${i}.txt`] = first[`dir-${i % 7}/file-${i}.txt`]!;
    await h.github.repos.commit('octo', 'gc-prune', { message: 'second', files: Object.fromEntries([...Object.keys(first).map((path) => [path, second[path] ?? null]), ...Object.entries(second)]) });
    expect((await h.initialSync(id)).status).toBe('synced');
    await expectEveryFileReadable(id, second);
    const goneSha = gitBlobSha(first['dir-6/file-55.txt']!);
    const keptSha = gitBlobSha(first['dir-0/file-0.txt']!);
    await ageEverything();

    // Keeping every snapshot, nothing either commit references may go.
    const keepAll = await collect(60_000, 0);
    expect(keepAll).toMatchObject({ snapshotsPruned: 0, blobRowsRemoved: 0, packsRewritten: 0 });

    const report = await collect(0, 1);
    expect(report.snapshotsPruned).toBe(1);
    expect(report.blobRowsRemoved).toBe(50);
    expect(report.packsRewritten + report.packsRetired).toBeGreaterThanOrEqual(1);
    expect(await h.db.selectFrom('blobs').select('sha').where('sha', '=', goneSha).executeTakeFirst()).toBeUndefined();
    expect(await h.db.selectFrom('blobs').select('sha').where('sha', '=', keptSha).executeTakeFirst()).toBeDefined();
    await expectEveryFileReadable(id, second);

    // The next run deletes the packs the first one retired (grace 0), and the files stay readable.
    const after = await collect(0, 1);
    expect(after.packsDeleted).toBeGreaterThanOrEqual(1);
    expect(after.bytesFreed).toBeGreaterThan(0);
    await expectEveryFileReadable(id, second);
    const again = await collect(0, 1);
    expect(again).toMatchObject({ snapshotsPruned: 0, blobRowsRemoved: 0, packsRewritten: 0, packsDeleted: 0, objectsDeleted: 0 });
  }, 120_000);

  it('spares, for the grace period, blobs and objects written or reused recently', async () => {
    const files = smallFiles('grace', 20);
    const id = await importRepository(h, 'gc-grace', files);
    const packsBefore = await packCount();
    // Unlinked: nothing references its blobs any more, but they were written moments ago.
    expect((await h.app.inject({ method: 'DELETE', url: `/api/projects/${id}`, headers: h.auth() })).statusCode).toBe(204);
    const report = await collect(60 * 60_000, 0);
    expect(report).toMatchObject({ blobRowsRemoved: 0, packsRetired: 0, packsDeleted: 0, objectsDeleted: 0 });
    expect(await packCount()).toBe(packsBefore);
    expect(await h.db.selectFrom('blobs').select('sha').where('sha', '=', gitBlobSha(files['dir-0/file-0.txt']!)).executeTakeFirst()).toBeDefined();
  }, 60_000);

  it('deletes objects nobody recorded once they are older than the grace period (a pack whose import died before recording it)', async () => {
    const orphanKey = '00000000-0000-4000-8000-0000000000aa';
    await h.blobs.putPack(orphanKey, Buffer.from('bytes of a pack whose upload was never recorded'));
    const young = await collect(60 * 60_000, 0);
    expect(young.packsDeleted).toBe(0);
    expect(await h.blobs.hasPack(orphanKey)).toBe(true);
    await sleep(1_500);
    const old = await collect(1_000, 0);
    expect(old.packsDeleted).toBeGreaterThanOrEqual(1);
    expect(await h.blobs.hasPack(orphanKey)).toBe(false);
  }, 60_000);

  it('racing imports that reuse what it is collecting, loses nothing', async () => {
    // A project's blobs become garbage when it is unlinked; two projects importing the same content
    // reuse those blobs while collections run back to back with a short grace period.
    const files = smallFiles('race', 120);
    const gone = await importRepository(h, 'gc-race-origin', files);
    expect((await h.app.inject({ method: 'DELETE', url: `/api/projects/${gone}`, headers: h.auth() })).statusCode).toBe(204);
    await ageEverything();
    // An import asks which blobs are stored, then references them only when it saves its rows: a
    // collection in between must leave what it was told about alone.
    const shas = Object.values(files).map(gitBlobSha);
    expect((await blobsRepository(h.db).knownAmong(shas)).size).toBe(shas.length);
    expect((await collect(30_000, 0)).blobRowsRemoved).toBe(0);
    expect((await blobsRepository(h.db).knownAmong(shas)).size).toBe(shas.length);
    await h.github.repos.create('octo', 'gc-race-a', {});
    await h.github.repos.commit('octo', 'gc-race-a', { message: 'initial', files });
    const { id } = await h.link('octo', 'gc-race-a');

    let importing = true;
    const reports: GarbageReport[] = [];
    const collecting = (async () => {
      while (importing) {
        reports.push(await collect(30_000, 0));
        await sleep(50);
      }
    })();
    const status = await h.initialSync(id);
    importing = false;
    await collecting;
    expect(status.status).toBe('synced');
    expect(reports.length).toBeGreaterThanOrEqual(1);
    // What the import reused was touched, so collections during and after it leave it alone.
    for (let round = 0; round < 2; round++) await collect(30_000, 0);
    await expectEveryFileReadable(id, files);
    const missing = await h.db.selectFrom('blobs').select('sha').where('missing_since', 'is not', null).execute();
    expect(missing).toEqual([]);
  }, 120_000);

  it('runs on its Schedule as the garbageCollection workflow; an interval of 0 removes the Schedule', async () => {
    const config = { ...h.config, gc: { intervalHours: 24, graceHours: 24, keepSnapshots: 0 } };
    expect(await ensureGcSchedule(h.temporal, config)).toBe('created');
    expect(await ensureGcSchedule(h.temporal, config)).toBe('updated');
    const scheduleId = gcScheduleId(h.config.temporal.taskQueue);
    const since = Date.now();
    await h.temporal.schedule.getHandle(scheduleId).trigger();
    let result: GarbageCollectionResult | undefined;
    for (let waited = 0; !result && waited < 30_000; waited += 200) {
      const description = await h.temporal.schedule.getHandle(scheduleId).describe();
      const started = description.info.recentActions.find((action) => action.takenAt.getTime() >= since - 1_000);
      if (started) result = await h.temporal.workflow.getHandle(started.action.workflow.workflowId, started.action.workflow.firstExecutionRunId).result();
      else await sleep(200);
    }
    expect(result).toMatchObject({ skipped: false });
    expect(result!.requests.list).toBeGreaterThanOrEqual(1);
    expect(await ensureGcSchedule(h.temporal, { ...config, gc: { ...config.gc, intervalHours: 0 } })).toBe('disabled');
    await expect(h.temporal.schedule.getHandle(scheduleId).describe()).rejects.toThrow();
  }, 60_000);

  it('lets only one collector run at a time', async () => {
    const inner = await garbageRepository(h.db).exclusively(() => collect(60 * 60_000, 0));
    expect(inner).toBeUndefined();
    expect(await collect(60 * 60_000, 0)).toBeDefined();
  }, 60_000);

  it('runs by hand as `npm run gc`, printing what it removed, and refuses a bad flag naming it', async () => {
    const run = (...args: string[]) => promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/gc.ts', ...args], { env: h.workerProcessEnv() });
    const { stdout } = await run('--grace-hours', '48', '--keep-snapshots', '0');
    expect(stdout).toMatch(/^snapshotsPruned: 0$/m);
    expect(stdout).toMatch(/^requests: \{"list":\d+,"get":0,"put":0,"delete":0\}$/m);
    const refused = await run('--grace-hours', 'soon').catch((error: { code: number; stderr: string }) => error);
    expect(refused).toMatchObject({ code: 2, stderr: expect.stringContaining('--grace-hours must be a whole number, got "soon"') });
  }, 60_000);
});
