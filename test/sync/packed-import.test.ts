import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BlobStore } from '../../src/storage/blob-store.js';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';

/** Pack uploads this test fails, in order: after the pack is stored (the index write never happens), or before. */
const packFaults: Array<'after-upload' | 'before-upload'> = [];
/** Writes the worker sent to the store: packs, and objects of their own. */
const writes = { packs: 0, objects: 0 };
let inner: BlobStore | undefined;
/** The worker's store: the harness's own, counting writes and failing pack uploads as listed above. */
const workerStore = new Proxy({} as BlobStore, {
  get(_target, name: keyof BlobStore) {
    if (name === 'putPack') {
      return async (key: string, body: Buffer) => {
        const fault = packFaults.shift();
        if (fault === 'before-upload') throw new Error('the worker died before the pack was uploaded');
        writes.packs += 1;
        await inner!.putPack(key, body);
        if (fault === 'after-upload') throw new Error('the worker died after the pack was uploaded, before it was indexed');
      };
    }
    if (name === 'put') {
      return (...args: Parameters<BlobStore['put']>) => {
        writes.objects += 1;
        return inner!.put(...args);
      };
    }
    // Every member is a method; looked up at call time, since the worker is built before the store is known.
    return (...args: unknown[]) => (inner![name] as (...a: unknown[]) => unknown).apply(inner, args);
  },
});

let h: SyncHarness;
beforeAll(async () => {
  h = await startSyncHarness({ workerBlobs: workerStore });
  inner = h.blobs;
});
afterAll(() => h.close());

const smallFiles = (count: number, tag: string) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`notes/${tag}-${i}.md`, `# ${tag} ${i}\n${'text '.repeat(i % 50)}\n`]));

async function read(id: string, path: string) {
  const response = await h.app.inject({ method: 'GET', url: `/api/projects/${id}/files/${path}`, headers: h.auth() });
  expect(response.statusCode, path).toBe(200);
  return response.rawPayload;
}

async function packsInStore(): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of h.blobs.listPacks()) keys.push(key);
  return keys;
}

describe('packed blob storage', () => {
  it('stores small files in packs with a handful of writes, large ones as objects, and serves both byte-exact', async () => {
    const large = Buffer.alloc(2 * 1024 * 1024 + 3, 'large file line\n').toString();
    const files: Record<string, string> = { ...smallFiles(600, 'packed'), 'big/large.txt': large };
    await h.github.repos.create('octo', 'packed', {});
    await h.github.repos.commit('octo', 'packed', { message: 'x', files });
    const { id } = await h.link('octo', 'packed');
    const packsBefore = new Set(await packsInStore());
    writes.packs = 0;
    writes.objects = 0;
    expect((await h.initialSync(id)).status).toBe('synced');

    // A pack is sealed at its size or after a couple of seconds open: a few packs at most, not 600 objects.
    expect(writes.objects).toBe(1);
    expect(writes.packs).toBeGreaterThanOrEqual(1);
    expect(writes.packs).toBeLessThanOrEqual(5);
    const newPacks = (await packsInStore()).filter((key) => !packsBefore.has(key));
    expect(newPacks).toHaveLength(writes.packs);
    const rows = await h.db
      .selectFrom('snapshot_files')
      .innerJoin('projects', 'projects.current_snapshot_id', 'snapshot_files.snapshot_id')
      .innerJoin('blobs', 'blobs.sha', 'snapshot_files.sha')
      .select(['snapshot_files.path', 'blobs.pack_key'])
      .where('projects.id', '=', id)
      .execute();
    const packOf = new Map(rows.map((row) => [row.path, row.pack_key]));
    expect(rows).toHaveLength(Object.keys(files).length);
    expect(packOf.get('big/large.txt')).toBeNull();
    expect(new Set(Object.keys(files).filter((path) => path !== 'big/large.txt').map((path) => packOf.get(path)))).toEqual(new Set(newPacks));

    for (const path of ['notes/packed-0.md', 'notes/packed-123.md', 'notes/packed-599.md', 'big/large.txt']) {
      expect((await read(id, path)).toString(), path).toBe(files[path]);
    }
  }, 120_000);

  it('never references a pack whose upload or indexing did not complete, and the resumed import is exact', async () => {
    const files = smallFiles(200, 'resumed');
    await h.github.repos.create('octo', 'resumed', {});
    await h.github.repos.commit('octo', 'resumed', { message: 'x', files });
    const { id } = await h.link('octo', 'resumed');
    const packsBefore = new Set(await packsInStore());
    packFaults.push('after-upload', 'before-upload');
    expect((await h.initialSync(id)).status).toBe('synced');
    expect(packFaults).toEqual([]);

    // The pack uploaded by an attempt that died before indexing it is in the store, unreferenced.
    const newPacks = (await packsInStore()).filter((key) => !packsBefore.has(key));
    const recorded = new Set((await h.db.selectFrom('blob_packs').select('key').execute()).map((row) => row.key));
    const orphans = newPacks.filter((key) => !recorded.has(key));
    expect(orphans.length).toBeGreaterThanOrEqual(1);
    expect(await h.db.selectFrom('blobs').select('sha').where('pack_key', 'in', orphans).execute()).toEqual([]);
    // Every pack the index names is in the store, and every file reads back exactly.
    for (const key of recorded) expect(await h.blobs.hasPack(key), key).toBe(true);
    for (const [path, content] of Object.entries(files)) expect((await read(id, path)).toString(), path).toBe(content);
  }, 120_000);

  it('stores a blob once across projects: a second import of the same files, packed or not, writes nothing', async () => {
    const large = Buffer.alloc(1024 * 1024 + 5, 'shared large line\n').toString();
    const files: Record<string, string> = { ...smallFiles(50, 'shared'), 'big/shared.txt': large };
    for (const repo of ['shared-a', 'shared-b']) {
      await h.github.repos.create('octo', repo, {});
      await h.github.repos.commit('octo', repo, { message: 'x', files });
    }
    const first = await h.link('octo', 'shared-a');
    expect((await h.initialSync(first.id)).status).toBe('synced');
    writes.packs = 0;
    writes.objects = 0;
    const second = await h.link('octo', 'shared-b');
    expect((await h.initialSync(second.id)).status).toBe('synced');
    expect(writes).toEqual({ packs: 0, objects: 0 });
    expect((await read(second.id, 'notes/shared-7.md')).toString()).toBe(files['notes/shared-7.md']);
    expect((await read(second.id, 'big/shared.txt')).toString()).toBe(large);
  }, 120_000);
});
