import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blobsRepository } from '../../src/db/repositories/blobs.js';
import { importTreesRepository } from '../../src/db/repositories/import-trees.js';
import { snapshotsRepository } from '../../src/db/repositories/snapshots.js';
import type { TreeEntry } from '../../src/github/recursive-tree.js';
import type { BlobStore } from '../../src/storage/blob-store.js';
import { gitBlobSha } from '../../src/storage/git-blob-hash.js';
import { createIndexedBlobStore } from '../../src/storage/indexed-blob-store.js';
import { createS3BlobStore } from '../../src/storage/s3-blob-store.js';
import { importCommit } from '../../src/sync/import-commit.js';
import { comparePaths, type ImportTree } from '../../src/sync/import-tree.js';
import { TREE_WINDOW_ENTRIES } from '../../src/sync/tree-window.js';
import { craftZip } from '../support/craft-zip.js';
import { createTestBucket, createTestDatabase } from '../support/test-stack.js';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let blobs: BlobStore;
beforeAll(async () => {
  database = await createTestDatabase();
  // As the worker reads blobs: through the index, so a packed blob is found in its pack.
  blobs = createIndexedBlobStore(database.db, createS3BlobStore({ config: await createTestBucket() }));
});
afterAll(async () => {
  await blobs.close();
  await database.drop();
});

async function newSnapshot(commitSha: string): Promise<string> {
  const { db } = database;
  const tenant = await db.insertInto('tenants').values({ name: 'tree' }).returning('id').executeTakeFirstOrThrow();
  const project = await db
    .insertInto('projects')
    .values({ tenant_id: tenant.id, owner: 'octo', repo: 'tree', branch: null, default_branch: 'main', auth_kind: 'none', token_ciphertext: null, webhook_secret_ciphertext: null, webhook_id: null, filter: '{}', sync_error_code: null, sync_error_message: null, sync_started_at: null, sync_completed_at: null, last_remote_sha: null, last_synced_sha: null, last_outbound_base_sha: null, current_snapshot_id: null, branch_etag: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  return (await snapshotsRepository(db).openForCommit(project.id, commitSha, commitSha, 'default')).id;
}

/** A tree of `count` text files, each of its own content, and those contents by path. */
function generatedTree(count: number, tag: string): { entries: TreeEntry[]; contents: Map<string, string> } {
  const contents = new Map<string, string>();
  const entries: TreeEntry[] = [];
  for (let i = 0; i < count; i += 1) {
    const path = `d${Math.floor(i / 100)}/f${i}.txt`;
    const content = `${tag} file ${i}\n`;
    contents.set(path, content);
    entries.push({ path, mode: '100644', type: 'blob', sha: gitBlobSha(content), size: Buffer.byteLength(content) });
  }
  return { entries, contents };
}

/** Counts the pages an import asks of a tree, and the largest. */
function watched(tree: ImportTree): ImportTree & { pages: number; largest: number } {
  const watcher = {
    pages: 0,
    largest: 0,
    totals: () => tree.totals(),
    async page(options: Parameters<ImportTree['page']>[0]) {
      const page = await tree.page(options);
      watcher.pages += 1;
      watcher.largest = Math.max(watcher.largest, page.length);
      return page;
    },
  };
  return watcher;
}

describe('the import tree kept in PostgreSQL', () => {
  it('answers pages in the byte order of paths that the import and git use', async () => {
    const snapshotId = await newSnapshot('a'.repeat(40));
    const trees = importTreesRepository(database.db);
    const paths = ['a/b', 'a-b', 'a.b', 'a', 'B', 'é', '😀', '\uffff', 'a/b/c', 'ab'];
    const entries = paths.map((path, i): TreeEntry => ({ path, mode: '100644', type: 'blob', sha: 'b'.repeat(40), size: i }));
    await trees.add(snapshotId, entries.slice(0, 6));
    // A retried attempt reads the tree again: what is stored already is kept.
    await trees.add(snapshotId, entries);
    const tree = trees.tree(snapshotId);
    const sorted = [...paths].sort(comparePaths);
    expect((await tree.page({ limit: 100 })).map((entry) => entry.path)).toEqual(sorted);
    expect((await tree.page({ from: 'a/b', limit: 2 })).map((entry) => entry.path)).toEqual(['a/b', 'a/b/c']);
    expect((await tree.page({ after: 'a/b', limit: 2 })).map((entry) => entry.path)).toEqual(['a/b/c', 'ab']);
    expect(await tree.totals()).toEqual({ files: 10, bytes: 45 });
    await trees.drop(snapshotId);
    expect(await tree.totals()).toEqual({ files: 0, bytes: 0 });
  });

  it('is read a window at a time by an import, which resumes from the rows an interrupted attempt saved', async () => {
    const count = TREE_WINDOW_ENTRIES * 2 + 500;
    const { entries, contents } = generatedTree(count, 'window');
    const snapshotId = await newSnapshot('c'.repeat(40));
    const trees = importTreesRepository(database.db);
    await trees.add(snapshotId, entries);
    // The archive as git makes it (path order), but for one entry moved to the front: a lookup
    // behind the window must still find it.
    const ordered = [...contents.entries()].sort(([a], [b]) => comparePaths(a, b));
    const archived = [ordered[ordered.length - 1]!, ...ordered.slice(0, -1)];
    const zip = await craftZip(archived.map(([path, content]): [string, string] => [`octo-tree-ccccccc/${path}`, content]));
    const snapshots = snapshotsRepository(database.db);
    const blobIndex = blobsRepository(database.db);
    // Rows are saved once their pack is durable: small packs, so the broken attempt saves some.
    const common = { manifest: snapshots, blobIndex, blobs, snapshotId, filter: {}, packTargetBytes: 4096 };

    // The first attempt dies mid-archive: it breaks off after a third of its bytes (the entries
    // fill about half of it, the central directory the rest).
    const firstTree = watched(trees.tree(snapshotId));
    const broken = {
      openArchive: () => Promise.resolve(Readable.from([zip.subarray(0, Math.floor(zip.length / 3))])),
      openBlob: () => Promise.reject(new Error('the network is gone')),
    };
    await expect(importCommit({ ...common, tree: firstTree, sources: broken })).rejects.toThrow();
    const saved = await snapshots.writtenCount(snapshotId);
    expect(saved).toBeGreaterThan(0);
    expect(saved).toBeLessThan(count);

    const secondTree = watched(trees.tree(snapshotId));
    const sources = {
      openArchive: () => Promise.resolve(Readable.from([zip])),
      openBlob: (sha: string) => Promise.resolve(Readable.from([Buffer.from([...contents.values()].find((content) => gitBlobSha(content) === sha)!)])),
    };
    const result = await importCommit({ ...common, tree: secondTree, sources });
    expect(result.filesStored).toBe(count);
    expect(result.fetchedOutsideArchive).toEqual([]);
    // Only what the first attempt had not saved is stored again (a flush may have been cut short).
    expect(result.blobsUploaded).toBeLessThanOrEqual(count - saved);
    expect(await snapshots.writtenCount(snapshotId)).toBe(count);
    const rows = await database.db.selectFrom('snapshot_files').select(['path', 'sha']).where('snapshot_id', '=', snapshotId).execute();
    expect(new Map(rows.map((row) => [row.path, row.sha]))).toEqual(new Map(entries.map((entry) => [entry.path, entry.sha])));
    for (const entry of entries.filter((_, i) => i % 500 === 0)) expect(await blobs.has(entry.sha)).toBe(true);

    // Never the whole tree at once: pages of one window, a handful of them per pass.
    for (const tree of [firstTree, secondTree]) expect(tree.largest).toBeLessThanOrEqual(TREE_WINDOW_ENTRIES);
    expect(secondTree.pages).toBeLessThan(20);
  });
});
