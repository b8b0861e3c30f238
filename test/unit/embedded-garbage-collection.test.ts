import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/db/connection.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { blobsRepository } from '../../src/db/repositories/blobs.js';
import { garbageRepository } from '../../src/db/repositories/garbage.js';
import { collectGarbage, type GarbageReport } from '../../src/gc/collect-garbage.js';
import { garbageStoreFor } from '../../src/gc/garbage-store-adapter.js';
import type { BlobStore } from '../../src/storage/blob-store.js';
import { createFilesystemBlobStore } from '../../src/storage/filesystem-blob-store.js';

// The zero-configuration mode: PGlite (one connection, one process) and the filesystem store.
let dir: string;
let db: Db;
let blobs: BlobStore;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'reposync-gc-'));
  db = await openDatabase({ dataDir: dir });
  await migrateToLatest(db as never);
  blobs = createFilesystemBlobStore(path.join(dir, 'objects'));
});
afterAll(async () => {
  await blobs.close();
  await db.destroy();
  await rm(dir, { recursive: true, force: true });
});

const gitBlobSha = (content: Buffer) => createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
const collect = () => collectGarbage(db, garbageStoreFor(blobs), { graceMs: 0, keepSnapshots: 0 }) as Promise<GarbageReport>;

describe('garbage collection on the embedded stack', () => {
  it('removes unreferenced blobs, their own objects and their packs, and an unrecorded pack, without waiting on its own connection', async () => {
    const own = Buffer.from('a blob with an object of its own\n');
    await blobs.put(gitBlobSha(own), own.length, own);
    await blobsRepository(db).record([{ sha: gitBlobSha(own), size: own.length }]);
    const packed = [Buffer.from('first packed\n'), Buffer.from('second packed\n')];
    const key = randomUUID();
    await blobs.putPack(key, Buffer.concat(packed));
    await blobsRepository(db).recordPack({ key, size: packed[0]!.length + packed[1]!.length, blobs: [
      { sha: gitBlobSha(packed[0]!), size: packed[0]!.length, offset: 0 },
      { sha: gitBlobSha(packed[1]!), size: packed[1]!.length, offset: packed[0]!.length },
    ] });
    const orphan = randomUUID();
    await blobs.putPack(orphan, Buffer.from('never recorded'));
    await sql`update blobs set touched_at = now() - interval '1 day'`.execute(db);
    await sql`update blob_packs set created_at = now() - interval '1 day'`.execute(db);

    const first = await collect();
    expect(first).toMatchObject({ blobRowsRemoved: 3, packsRetired: 1, objectsDeleted: 1, packsDeleted: 1 });
    expect(await blobs.has(gitBlobSha(own))).toBe(false);
    expect(await blobs.hasPack(orphan)).toBe(false);
    // The retired pack goes a grace period later: here, at the next run.
    expect(await blobs.hasPack(key)).toBe(true);
    const second = await collect();
    expect(second).toMatchObject({ packsDeleted: 1, bytesFreed: packed[0]!.length + packed[1]!.length });
    expect(await blobs.hasPack(key)).toBe(false);
  });

  it('runs one collector at a time', async () => {
    const inner = await garbageRepository(db).exclusively(() => collect());
    expect(inner).toBeUndefined();
    expect(await collect()).toBeDefined();
  });
});
