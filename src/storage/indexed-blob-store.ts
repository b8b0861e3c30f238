import { Readable } from 'node:stream';
import type { Db } from '../db/connection.js';
import { blobsRepository, type PackedBlobPlace } from '../db/repositories/blobs.js';
import { CorruptBlobError, PackNotFoundError, type BlobStore } from './blob-store.js';
import { ByteBoundedCache } from './byte-bounded-cache.js';
import { gitBlobSha } from './git-blob-hash.js';

export interface IndexedBlobStoreOptions {
  /** Bytes of packed blobs kept in memory after a read, most recently used first. */
  cacheBytes?: number;
}

/** Packs seen present are remembered (up to this many keys), so checking packed blobs costs one request per pack. */
const KNOWN_PACKS_MAX = 10_000;
const DEFAULT_CACHE_BYTES = 32 * 1024 * 1024;

/**
 * A blob store that reads through PostgreSQL's pack index: a packed blob is one ranged GET on its
 * pack (or a hit in a small in-memory cache), any other blob its own object, as before packs
 * existed, so objects stored earlier need no migration. Single blobs are written as objects of
 * their own; packs are written by the import (OpenPack, then the index's recordPack).
 */
export function createIndexedBlobStore(db: Db, store: BlobStore, options: IndexedBlobStoreOptions = {}): BlobStore {
  const index = blobsRepository(db);
  const locate = batchedLocate(index.locateMany);
  const cache = new ByteBoundedCache(options.cacheBytes ?? DEFAULT_CACHE_BYTES);
  const knownPacks = new Set<string>();

  async function packExists(key: string): Promise<boolean> {
    if (knownPacks.has(key)) return true;
    const present = await store.hasPack(key);
    if (present) {
      if (knownPacks.size >= KNOWN_PACKS_MAX) knownPacks.clear();
      knownPacks.add(key);
    }
    return present;
  }

  async function readPacked(sha: string, place: { packKey: string; offset: number; size: number }, fromStorage: boolean): Promise<Readable> {
    const cacheKey = `${place.packKey}:${place.offset}:${place.size}`;
    const cached = fromStorage ? undefined : cache.get(cacheKey);
    if (cached) return Readable.from([cached]);
    let body: Readable;
    try {
      body = await store.getRange(place.packKey, place.offset, place.size);
    } catch (error) {
      if (!(error instanceof PackNotFoundError)) throw error;
      knownPacks.delete(place.packKey);
      // The pack is gone; an object of its own (stored before packs, or again since) still serves.
      return store.get(sha);
    }
    const bytes = await readAll(body);
    // A range is read whole anyway, so it is checked before anyone sees it (hashing a packed blob,
    // at most 1 MiB, costs far less than the GET): a short or rotted range is never served, and
    // only bytes proved to be the blob are cached.
    if (bytes.length !== place.size) throw new CorruptBlobError(sha, `its range of pack ${place.packKey} holds ${bytes.length} of its ${place.size} bytes`);
    if (gitBlobSha(bytes) !== sha) throw new CorruptBlobError(sha, `its range of pack ${place.packKey} hashes to another blob`);
    cache.set(cacheKey, bytes);
    return Readable.from([bytes]);
  }

  return {
    put: (sha, size, content, putOptions) => store.put(sha, size, content, putOptions),
    async get(sha, getOptions = {}) {
      const place = await locate(sha);
      return place ? readPacked(sha, place, getOptions.fromStorage ?? false) : store.get(sha);
    },
    async has(sha) {
      const place = await locate(sha);
      return place ? packExists(place.packKey) : store.has(sha);
    },
    async delete(sha) {
      // A pack is shared: only this blob's place in it is forgotten; collection reclaims the bytes.
      const place = await locate(sha);
      if (place) {
        await index.unpack(sha);
        cache.delete(`${place.packKey}:${place.offset}:${place.size}`);
      }
      await store.delete(sha);
    },
    list: () => store.list(),
    inventory: () => store.inventory(),
    putPack: (key, body) => store.putPack(key, body),
    getRange: (key, offset, length) => store.getRange(key, offset, length),
    hasPack: (key) => store.hasPack(key),
    async deletePack(key) {
      knownPacks.delete(key);
      await store.deletePack(key);
    },
    listPacks: () => store.listPacks(),
    check: () => store.check(),
    close: () => store.close(),
  };
}

/**
 * Looks blobs up in the index in batches: the lookups asked for in the same turn of the event loop
 * (an import checking thousands of blobs asks 32 at a time) share one query instead of one each.
 */
function batchedLocate(locateMany: (shas: string[]) => Promise<Map<string, PackedBlobPlace>>): (sha: string) => Promise<PackedBlobPlace | null> {
  let waiting: Map<string, Array<{ resolve(place: PackedBlobPlace | null): void; reject(error: unknown): void }>> | undefined;
  return (sha) =>
    new Promise((resolve, reject) => {
      if (!waiting) {
        const batch = new Map<string, Array<{ resolve(place: PackedBlobPlace | null): void; reject(error: unknown): void }>>();
        waiting = batch;
        setImmediate(() => {
          waiting = undefined;
          locateMany([...batch.keys()]).then(
            (places) => {
              for (const [key, callers] of batch) for (const caller of callers) caller.resolve(places.get(key) ?? null);
            },
            (error: unknown) => {
              for (const callers of batch.values()) for (const caller of callers) caller.reject(error);
            },
          );
        });
      }
      const callers = waiting.get(sha) ?? [];
      callers.push({ resolve, reject });
      waiting.set(sha, callers);
    });
}

/** A packed blob's range, read whole (packed blobs are small). */
async function readAll(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}
