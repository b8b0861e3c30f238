import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BlobIntegrityError, BlobNotFoundError, type BlobStore } from '../../src/storage/blob-store.js';
import { createFilesystemBlobStore } from '../../src/storage/filesystem-blob-store.js';
import { gitBlobSha } from '../../src/storage/git-blob-hash.js';
import { createS3BlobStore } from '../../src/storage/s3-blob-store.js';
import { createTestBucket } from '../support/test-stack.js';

async function collectBytes(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

async function listAll(store: BlobStore): Promise<string[]> {
  const shas: string[] = [];
  for await (const sha of store.list()) shas.push(sha);
  return shas.sort();
}

const implementations: Array<[string, () => Promise<{ store: BlobStore; cleanup(): Promise<void> }>]> = [
  [
    'filesystem',
    async () => {
      const root = await mkdtemp(path.join(os.tmpdir(), 'reposync-blobs-'));
      return { store: createFilesystemBlobStore(root), cleanup: () => rm(root, { recursive: true, force: true }) };
    },
  ],
  [
    's3 (SeaweedFS)',
    async () => {
      // A small part size makes the multipart path run on a blob of a few MiB.
      const store = createS3BlobStore({ config: await createTestBucket(), partSize: 5 * 1024 * 1024 });
      return { store, cleanup: () => store.close() };
    },
  ],
];

describe.each(implementations)('%s blob store', (_name, open) => {
  let store: BlobStore;
  let cleanup: () => Promise<void>;
  beforeAll(async () => ({ store, cleanup } = await open()));
  afterAll(() => cleanup());

  it('stores content under its git blob SHA and reads it back', async () => {
    const content = 'hello\n';
    const sha = gitBlobSha(content);
    // git hash-object of "hello\n"
    expect(sha).toBe('ce013625030ba8dba906f756967f9e9ca394464a');
    expect(await store.has(sha)).toBe(false);
    expect(await store.put(sha, 6, Readable.from([Buffer.from(content)]))).toEqual({ stored: true });
    expect(await store.has(sha)).toBe(true);
    expect(await text(await store.get(sha))).toBe(content);
  });

  it('treats a second upload of the same blob as a no-op', async () => {
    const content = Buffer.from('same bytes twice');
    const sha = gitBlobSha(content);
    await store.put(sha, content.length, content);
    expect(await store.put(sha, content.length, content)).toEqual({ stored: false });
  });

  it('stores an empty blob', async () => {
    const sha = gitBlobSha('');
    expect(sha).toBe('e69de29bb2d1d6434b8b29ae775ad8c2e48c5391');
    await store.put(sha, 0, Buffer.alloc(0));
    expect((await collectBytes(await store.get(sha))).length).toBe(0);
  });

  it('refuses content that does not hash to the claimed SHA and keeps nothing under it', async () => {
    const claimed = gitBlobSha('the real content');
    await expect(store.put(claimed, 8, Buffer.from('tampered'))).rejects.toBeInstanceOf(BlobIntegrityError);
    expect(await store.has(claimed)).toBe(false);
  });

  it('refuses a body shorter than its declared size', async () => {
    const content = randomBytes(1000);
    const sha = gitBlobSha(content);
    await expect(store.put(sha, 1000, content.subarray(0, 900))).rejects.toBeInstanceOf(BlobIntegrityError);
    expect(await store.has(sha)).toBe(false);
  });

  it('streams a multi-part blob through and verifies it before it becomes visible', async () => {
    const content = randomBytes(12 * 1024 * 1024 + 123);
    const sha = gitBlobSha(content);
    const source = Readable.from((function* () {
      for (let offset = 0; offset < content.length; offset += 64 * 1024) yield content.subarray(offset, offset + 64 * 1024);
    })());
    expect(await store.put(sha, content.length, source)).toEqual({ stored: true });
    expect((await collectBytes(await store.get(sha))).equals(content)).toBe(true);

    const corrupted = Buffer.from(content);
    corrupted[corrupted.length - 1]! ^= 0xff;
    const otherSha = gitBlobSha(Buffer.concat([content, Buffer.from('x')]));
    await expect(store.put(otherSha, corrupted.length + 1, corrupted)).rejects.toBeInstanceOf(BlobIntegrityError);
    expect(await store.has(otherSha)).toBe(false);
  });

  it('lists and deletes blobs', async () => {
    const sha = gitBlobSha('to be deleted');
    await store.put(sha, 13, Buffer.from('to be deleted'));
    expect(await listAll(store)).toContain(sha);
    await store.delete(sha);
    expect(await store.has(sha)).toBe(false);
    expect(await listAll(store)).not.toContain(sha);
  });

  it('reports a missing blob as not found', async () => {
    await expect(store.get(gitBlobSha('never stored'))).rejects.toBeInstanceOf(BlobNotFoundError);
  });

  it('rejects a key that is not a SHA, so no path can be smuggled in', async () => {
    await expect(store.put('../../etc/passwd', 1, Buffer.from('x'))).rejects.toThrow(/not a git blob SHA/);
  });

  it('is reachable', async () => {
    await expect(store.check()).resolves.toBeUndefined();
  });
});

describe('filesystem blob store temporary files', () => {
  const twoHoursAgo = () => new Date(Date.now() - 2 * 60 * 60 * 1000);

  async function tmpFolderWith(files: Record<string, Date>): Promise<{ root: string; tmp: string }> {
    const root = await mkdtemp(path.join(os.tmpdir(), 'reposync-blobs-'));
    const tmp = path.join(root, 'tmp');
    await mkdir(tmp, { recursive: true });
    for (const [name, modified] of Object.entries(files)) {
      await writeFile(path.join(tmp, name), 'partial');
      await utimes(path.join(tmp, name), modified, modified);
    }
    return { root, tmp };
  }

  it('removes the temporary files a crashed write left behind when it starts, and keeps a fresh one', async () => {
    const { root, tmp } = await tmpFolderWith({ 'crashed-write': twoHoursAgo(), 'write-in-flight': new Date() });
    const store = createFilesystemBlobStore(root);
    try {
      await vi.waitFor(async () => expect(await readdir(tmp)).toEqual(['write-in-flight']), { timeout: 5_000 });
    } finally {
      await store.close();
      await rm(root, { recursive: true, force: true });
    }
  });

  it('keeps sweeping while it runs', async () => {
    const { root, tmp } = await tmpFolderWith({});
    const store = createFilesystemBlobStore(root, { sweepEveryMs: 50 });
    try {
      await writeFile(path.join(tmp, 'crashed-later'), 'partial');
      await utimes(path.join(tmp, 'crashed-later'), twoHoursAgo(), twoHoursAgo());
      await vi.waitFor(async () => expect(await readdir(tmp)).toEqual([]), { timeout: 5_000 });
    } finally {
      await store.close();
      await rm(root, { recursive: true, force: true });
    }
  });
});
