import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { access, mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { assertBlobSha, assertPackKey, BlobIntegrityError, BlobNotFoundError, PackNotFoundError, type BlobStore, type StoredObject } from './blob-store.js';
import { GitBlobHashStream } from './git-blob-hash.js';
import { removeStaleFiles } from './remove-stale-files.js';

export interface FilesystemBlobStoreOptions {
  /**
   * A temporary file untouched this long belongs to a write that died with its process (a crash
   * skips the `finally` that removes it); a live write touches its file with every chunk.
   */
  staleTempAfterMs?: number;
  /** How often the temporary folder is swept, besides once at start. */
  sweepEveryMs?: number;
}

/**
 * Blobs as files under `<root>/blobs/<sha[0:2]>/<sha>`, packs under `<root>/packs/<key>`. A blob is written to a temporary file,
 * verified, then renamed into place, so a crash never leaves a partial blob under its SHA; the
 * temporary files a crash leaves behind are swept at start and then periodically.
 */
export function createFilesystemBlobStore(root: string, options: FilesystemBlobStoreOptions = {}): BlobStore {
  const { staleTempAfterMs = 60 * 60 * 1000, sweepEveryMs = 15 * 60 * 1000 } = options;
  const blobsDir = path.join(root, 'blobs');
  const tmpDir = path.join(root, 'tmp');
  const blobPath = (sha: string) => path.join(blobsDir, sha.slice(0, 2), sha);
  const packsDir = path.join(root, 'packs');
  const packPath = (key: string) => path.join(packsDir, key);

  // Sweeping is housekeeping: a failure (a folder not readable yet) waits for the next round.
  const sweep = () => void removeStaleFiles(tmpDir, staleTempAfterMs).catch(() => {});
  sweep();
  const sweeper = setInterval(sweep, sweepEveryMs).unref();

  async function exists(file: string): Promise<boolean> {
    try {
      await access(file);
      return true;
    } catch {
      return false;
    }
  }

  return {
    async put(sha, size, content) {
      assertBlobSha(sha);
      const target = blobPath(sha);
      if (await exists(target)) {
        if (content instanceof Readable) content.resume();
        return { stored: false };
      }
      await mkdir(tmpDir, { recursive: true });
      await mkdir(path.dirname(target), { recursive: true });
      const temporary = path.join(tmpDir, randomUUID());
      const hasher = new GitBlobHashStream(size);
      try {
        const source = content instanceof Readable ? content : Readable.from([content]);
        await pipeline(source, hasher, createWriteStream(temporary, { mode: 0o644 }));
        const actual = hasher.digest();
        if (actual !== sha) throw new BlobIntegrityError(sha, actual);
        await rename(temporary, target);
        return { stored: true };
      } finally {
        await rm(temporary, { force: true });
      }
    },

    has: (sha) => exists(blobPath(sha)),

    async get(sha) {
      assertBlobSha(sha);
      const file = blobPath(sha);
      try {
        await stat(file);
      } catch {
        throw new BlobNotFoundError(sha);
      }
      return createReadStream(file);
    },

    async *list() {
      const shards = await readdir(blobsDir).catch(() => [] as string[]);
      for (const shard of shards.sort()) {
        for (const name of (await readdir(path.join(blobsDir, shard))).sort()) yield name;
      }
    },

    async *inventory() {
      for (const shard of (await readdir(blobsDir).catch(() => [] as string[])).sort()) {
        yield await describeFiles('blob', path.join(blobsDir, shard));
      }
      yield await describeFiles('pack', packsDir);
    },

    async delete(sha) {
      assertBlobSha(sha);
      await rm(blobPath(sha), { force: true });
    },

    async putPack(key, body) {
      assertPackKey(key);
      await mkdir(tmpDir, { recursive: true });
      await mkdir(packsDir, { recursive: true });
      // Written aside and renamed into place: a pack is visible whole or not at all.
      const temporary = path.join(tmpDir, randomUUID());
      try {
        await writeFile(temporary, body, { mode: 0o644 });
        await rename(temporary, packPath(key));
      } finally {
        await rm(temporary, { force: true });
      }
    },

    async getRange(key, offset, length) {
      assertPackKey(key);
      const file = packPath(key);
      if (!(await exists(file))) throw new PackNotFoundError(key);
      if (length === 0) return Readable.from([]);
      return createReadStream(file, { start: offset, end: offset + length - 1 });
    },

    hasPack(key) {
      assertPackKey(key);
      return exists(packPath(key));
    },

    async deletePack(key) {
      assertPackKey(key);
      await rm(packPath(key), { force: true });
    },

    async *listPacks() {
      for (const name of (await readdir(packsDir).catch(() => [] as string[])).sort()) yield name;
    },

    async check() {
      await mkdir(tmpDir, { recursive: true });
      const probe = path.join(tmpDir, `readyz-${randomUUID()}`);
      await writeFile(probe, 'ok');
      await rm(probe, { force: true });
    },

    async close() {
      clearInterval(sweeper);
    },
  };
}

/** The files of one folder as stored objects (a file removed meanwhile is left out). */
async function describeFiles(kind: StoredObject['kind'], dir: string): Promise<StoredObject[]> {
  const objects: StoredObject[] = [];
  for (const name of (await readdir(dir).catch(() => [] as string[])).sort()) {
    const info = await stat(path.join(dir, name)).catch(() => undefined);
    if (info?.isFile()) objects.push({ kind, name, size: info.size, modifiedAt: info.mtime });
  }
  return objects;
}
