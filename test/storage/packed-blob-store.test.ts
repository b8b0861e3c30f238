import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blobsRepository } from '../../src/db/repositories/blobs.js';
import { BlobIntegrityError, BlobNotFoundError, CorruptBlobError, PackNotFoundError, type BlobStore } from '../../src/storage/blob-store.js';
import { checkBlob } from '../../src/storage/check-blob.js';
import { createFilesystemBlobStore } from '../../src/storage/filesystem-blob-store.js';
import { gitBlobSha } from '../../src/storage/git-blob-hash.js';
import { createIndexedBlobStore } from '../../src/storage/indexed-blob-store.js';
import { OpenPack } from '../../src/storage/open-pack.js';
import { createS3BlobStore } from '../../src/storage/s3-blob-store.js';
import { createTestBucket, createTestDatabase } from '../support/test-stack.js';

async function text(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
}

/** A store that counts the ranged reads it serves, to tell cache hits from reads of the pack. */
function countingRanges(store: BlobStore): { store: BlobStore; ranges: () => number } {
  let ranges = 0;
  return {
    store: {
      ...store,
      getRange: (key, offset, length) => {
        ranges += 1;
        return store.getRange(key, offset, length);
      },
    },
    ranges: () => ranges,
  };
}

const backends: Array<[string, () => Promise<{ raw: BlobStore; cleanup(): Promise<void> }>]> = [
  ['S3', async () => ({ raw: createS3BlobStore({ config: await createTestBucket() }), cleanup: async () => {} })],
  [
    'the filesystem',
    async () => {
      const root = await mkdtemp(path.join(os.tmpdir(), 'reposync-packs-'));
      return { raw: createFilesystemBlobStore(root), cleanup: () => rm(root, { recursive: true, force: true }) };
    },
  ],
];

describe.each(backends)('packed blobs on %s', (_name, open) => {
  let raw: BlobStore;
  let counted: ReturnType<typeof countingRanges>;
  let store: BlobStore;
  let cleanup: () => Promise<void>;
  // An index of its own: the places it records are in this backend's packs.
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    database = await createTestDatabase();
    ({ raw, cleanup } = await open());
    counted = countingRanges(raw);
    store = createIndexedBlobStore(database.db, counted.store, { cacheBytes: 200_000 });
  });
  afterAll(async () => {
    await store.close();
    await cleanup();
    await database.drop();
  });

  /** Packs `contents` (made unique to this run), uploads the pack and records it, as an import does. */
  async function storedPack(contents: string[]): Promise<OpenPack> {
    const pack = new OpenPack();
    for (const content of contents) pack.add(gitBlobSha(content), Buffer.from(content));
    await raw.putPack(pack.key, pack.body());
    await blobsRepository(database.db).recordPack({ key: pack.key, size: pack.size, blobs: pack.entries });
    return pack;
  }
  const unique = (content: string) => `${randomUUID()} ${content}`;

  it('reads each packed blob with a ranged read of its pack, the empty blob included', async () => {
    const contents = [unique('first\n'), '', unique('second, a little longer\n'), unique('x'.repeat(70_000))];
    const pack = await storedPack(contents);
    for (const content of contents) expect(await text(await store.get(gitBlobSha(content)))).toBe(content);
    expect(await store.has(gitBlobSha(contents[0]!))).toBe(true);
    expect(await text(await raw.getRange(pack.key, 0, pack.size))).toBe(contents.join(''));
    expect(await collect(raw.listPacks())).toContain(pack.key);
  });

  it('serves a blob read again from memory, and one too large for the budget from its pack each time', async () => {
    const small = unique('hot file\n');
    const large = unique('y'.repeat(300_000));
    await storedPack([small, large]);
    const before = counted.ranges();
    for (let i = 0; i < 3; i += 1) expect(await text(await store.get(gitBlobSha(small)))).toBe(small);
    expect(counted.ranges() - before).toBe(1);
    for (let i = 0; i < 2; i += 1) expect(await text(await store.get(gitBlobSha(large)))).toBe(large);
    expect(counted.ranges() - before).toBe(3);
  });

  it('checks the stored copy, not one kept in memory: a pack gone bad after a read is found corrupt', async () => {
    const content = unique('read, then rotted in storage\n');
    const pack = await storedPack([content]);
    expect(await text(await store.get(gitBlobSha(content)))).toBe(content);
    await raw.deletePack(pack.key);
    await raw.putPack(pack.key, Buffer.from('R'.repeat(pack.size)));
    expect(await text(await store.get(gitBlobSha(content)))).toBe(content);
    expect(await checkBlob(store, gitBlobSha(content), content.length)).toBe('corrupt');
  });

  it('never serves a packed blob whose range is short or holds other bytes: it is corrupt, and nothing of it is cached', async () => {
    const intact = unique('before the cut\n');
    const cut = unique('cut in half by a truncated pack\n');
    const beyond = unique('wholly past the end of the truncated pack\n');
    const truncated = await storedPack([intact, cut, beyond]);
    await raw.deletePack(truncated.key);
    await raw.putPack(truncated.key, Buffer.from(intact + cut.slice(0, 10)));
    expect(await text(await store.get(gitBlobSha(intact)))).toBe(intact);
    for (const content of [cut, beyond]) {
      const failure = await store.get(gitBlobSha(content)).then(
        () => null,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(CorruptBlobError);
      expect((failure as CorruptBlobError).message).toMatch(new RegExp(`${gitBlobSha(content)}.*holds ${content === cut ? 10 : 0} of its ${content.length} bytes`));
      expect(await checkBlob(store, gitBlobSha(content), content.length)).toBe('corrupt');
    }

    const rotted = unique('same length, other bytes\n');
    const pack = await storedPack([rotted]);
    await raw.deletePack(pack.key);
    await raw.putPack(pack.key, Buffer.from('?'.repeat(pack.size)));
    const before = counted.ranges();
    for (let i = 0; i < 2; i += 1) await expect(store.get(gitBlobSha(rotted))).rejects.toThrow(/hashes to another blob/);
    // Each read went to the pack again: the wrong bytes were not kept to be served from memory.
    expect(counted.ranges() - before).toBe(2);
  });

  it('reads a blob stored as an object of its own, as before packs existed', async () => {
    const content = unique('an object of its own\n');
    await store.put(gitBlobSha(content), content.length, Buffer.from(content));
    await blobsRepository(database.db).record([{ sha: gitBlobSha(content), size: content.length }]);
    expect(await store.has(gitBlobSha(content))).toBe(true);
    expect(await text(await store.get(gitBlobSha(content)))).toBe(content);
  });

  it('keeps a blob already stored where it is when another pack holds it too', async () => {
    const shared = unique('shared once\n');
    const first = await storedPack([shared, unique('only in the first\n')]);
    await storedPack([shared, unique('only in the second\n')]);
    expect((await blobsRepository(database.db).locate(gitBlobSha(shared)))?.packKey).toBe(first.key);
  });

  it('reports a packed blob whose pack is gone as absent and not found, unless it has an object of its own', async () => {
    const lost = unique('in a pack that will be lost\n');
    const kept = unique('in that pack and also an object of its own\n');
    const pack = await storedPack([lost, kept]);
    await raw.put(gitBlobSha(kept), kept.length, Buffer.from(kept));
    await raw.deletePack(pack.key);
    await expect(raw.getRange(pack.key, 0, 1)).rejects.toBeInstanceOf(PackNotFoundError);
    expect(await store.has(gitBlobSha(lost))).toBe(false);
    await expect(store.get(gitBlobSha(lost))).rejects.toBeInstanceOf(BlobNotFoundError);
    expect(await text(await store.get(gitBlobSha(kept)))).toBe(kept);
  });

  it('forgets a deleted blob’s place in its pack, so it counts as absent until stored again', async () => {
    const content = unique('deleted from its pack\n');
    await storedPack([content]);
    expect(await text(await store.get(gitBlobSha(content)))).toBe(content);
    await store.delete(gitBlobSha(content));
    expect(await blobsRepository(database.db).locate(gitBlobSha(content))).toBeNull();
    await expect(store.get(gitBlobSha(content))).rejects.toBeInstanceOf(BlobNotFoundError);
  });

  it('answers many lookups at once, each for its own blob: packed, an object of its own, or absent', async () => {
    const packed = Array.from({ length: 40 }, (_, i) => unique(`packed ${i}\n`));
    const own = Array.from({ length: 10 }, (_, i) => unique(`own ${i}\n`));
    const absent = Array.from({ length: 10 }, (_, i) => gitBlobSha(unique(`never stored ${i}\n`)));
    await storedPack(packed);
    for (const content of own) await store.put(gitBlobSha(content), content.length, Buffer.from(content));
    const present = [...packed, ...own];
    const answers = await Promise.all([...present.map((content) => store.has(gitBlobSha(content))), ...absent.map((sha) => store.has(sha))]);
    expect(answers).toEqual([...present.map(() => true), ...absent.map(() => false)]);
    const contents = await Promise.all(present.map(async (content) => text(await store.get(gitBlobSha(content)))));
    expect(contents).toEqual(present);
  });

  it('refuses a pack key that is not one we mint', async () => {
    await expect(raw.putPack('../blobs/x', Buffer.from('x'))).rejects.toThrow(/not a pack key/);
    await expect(raw.getRange('../../etc/passwd', 0, 1)).rejects.toThrow(/not a pack key/);
  });
});

it('refuses to pack bytes that do not hash to the SHA given', () => {
  expect(() => new OpenPack().add(gitBlobSha('right'), Buffer.from('wrong'))).toThrow(BlobIntegrityError);
});

async function collect(keys: AsyncIterable<string>): Promise<string[]> {
  const all: string[] = [];
  for await (const key of keys) all.push(key);
  return all;
}
