import type { BlobStore } from '../storage/blob-store.js';
import type { GarbageStore } from './garbage-store.js';

/** The blob store as garbage collection uses it, counting each object-store request it makes. */
export function garbageStoreFor(blobs: BlobStore): GarbageStore {
  const requests = { list: 0, get: 0, put: 0, delete: 0 };
  return {
    requests,
    async *inventory() {
      for await (const page of blobs.inventory()) {
        requests.list += 1;
        yield* page;
      }
    },
    async deleteBlob(sha) {
      requests.delete += 1;
      await blobs.delete(sha);
    },
    async deletePack(key) {
      requests.delete += 1;
      await blobs.deletePack(key);
    },
    async readPack(key, size) {
      requests.get += 1;
      const chunks: Buffer[] = [];
      for await (const chunk of await blobs.getRange(key, 0, size)) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    },
    async writePack(pack) {
      requests.put += 1;
      await blobs.putPack(pack.key, pack.body());
    },
  };
}
