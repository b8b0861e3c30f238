import { sql } from 'kysely';
import type { Db } from '../connection.js';

/** The index of what the blob store holds, so a sync can skip known blobs without asking it. */
export function blobsRepository(db: Db) {
  return {
    /**
     * The SHAs among `shas` indexed as stored (and not since found missing). The caller is about
     * to reuse them, so they are touched first: garbage collection leaves alone a blob touched
     * within its grace period. Touching before reading means a blob the collector removed in
     * between is simply not known, and stored again.
     */
    async knownAmong(shas: string[]): Promise<Set<string>> {
      const known = new Set<string>();
      for (let start = 0; start < shas.length; start += 5000) {
        const batch = shas.slice(start, start + 5000);
        // At most one write per blob per touch interval, however often it is reused.
        await db
          .updateTable('blobs')
          .set({ touched_at: sql<Date>`now()` })
          .where('sha', 'in', batch)
          .where('missing_since', 'is', null)
          .where('touched_at', '<', sql<Date>`now() - make_interval(secs => ${TOUCH_INTERVAL_SECONDS})`)
          .execute();
        const rows = await db.selectFrom('blobs').select('sha').where('sha', 'in', batch).where('missing_since', 'is', null).execute();
        for (const row of rows) known.add(row.sha);
      }
      return known;
    },

    /** Indexes blobs just stored; a blob found missing before is known again. */
    async record(stored: Array<{ sha: string; size: number }>): Promise<void> {
      const blobs = uniqueBySha(stored);
      for (let start = 0; start < blobs.length; start += 5000) {
        await db
          .insertInto('blobs')
          .values(blobs.slice(start, start + 5000).map(({ sha, size }) => ({ sha, size })))
          // Stored again as an object of its own: the pack it was lost from no longer counts.
          .onConflict((oc) => oc.column('sha').doUpdateSet({ missing_since: null, pack_key: null, pack_offset: null, touched_at: sql<Date>`now()` }).where('blobs.missing_since', 'is not', null))
          .execute();
      }
    },

    /**
     * Records a durable pack and indexes its blobs at their offsets, in one transaction. A blob
     * already indexed as stored keeps its place (it is stored once; this copy is garbage for
     * collection); one found missing before is known again, here.
     */
    async recordPack(pack: { key: string; size: number; blobs: PackedBlob[] }): Promise<void> {
      const run = async (trx: Db) => {
        await trx.insertInto('blob_packs').values({ key: pack.key, size: pack.size, blob_count: pack.blobs.length }).execute();
        const blobs = uniqueBySha(pack.blobs);
        for (let start = 0; start < blobs.length; start += 5000) {
          await trx
            .insertInto('blobs')
            .values(blobs.slice(start, start + 5000).map(({ sha, size, offset }) => ({ sha, size, pack_key: pack.key, pack_offset: offset })))
            .onConflict((oc) =>
              oc
                .column('sha')
                .doUpdateSet({ missing_since: null, pack_key: pack.key, pack_offset: sql<number>`excluded.pack_offset`, touched_at: sql<Date>`now()` })
                .where('blobs.missing_since', 'is not', null),
            )
            .execute();
        }
      };
      await (db.isTransaction ? run(db) : db.transaction().execute(run));
    },

    /** Where a blob's bytes are: a range of a pack, or (null) an object of its own. */
    async locate(sha: string): Promise<PackedBlobPlace | null> {
      const row = await db.selectFrom('blobs').select(['pack_key', 'pack_offset', 'size']).where('sha', '=', sha).where('pack_key', 'is not', null).executeTakeFirst();
      return row?.pack_key && row.pack_offset !== null ? { packKey: row.pack_key, offset: row.pack_offset, size: row.size } : null;
    },

    /** The places of those among `shas` that are packed (the others have objects of their own). */
    async locateMany(shas: string[]): Promise<Map<string, PackedBlobPlace>> {
      const places = new Map<string, PackedBlobPlace>();
      for (let start = 0; start < shas.length; start += 5000) {
        const rows = await db
          .selectFrom('blobs')
          .select(['sha', 'pack_key', 'pack_offset', 'size'])
          .where('sha', 'in', shas.slice(start, start + 5000))
          .where('pack_key', 'is not', null)
          .execute();
        for (const row of rows) if (row.pack_key && row.pack_offset !== null) places.set(row.sha, { packKey: row.pack_key, offset: row.pack_offset, size: row.size });
      }
      return places;
    },

    /** The blob no longer counts as packed (its pack copy is gone or wrong); reads use its own object. */
    async unpack(sha: string): Promise<void> {
      await db.updateTable('blobs').set({ pack_key: null, pack_offset: null }).where('sha', '=', sha).execute();
    },

    /** Records that the store does not hold these blobs, for imports and verify to fetch them again. */
    async markMissing(absent: Array<{ sha: string; size: number }>): Promise<void> {
      const blobs = uniqueBySha(absent);
      for (let start = 0; start < blobs.length; start += 5000) {
        await db
          .insertInto('blobs')
          .values(blobs.slice(start, start + 5000).map(({ sha, size }) => ({ sha, size, missing_since: sql<Date>`now()` })))
          .onConflict((oc) => oc.column('sha').doUpdateSet({ missing_since: sql<Date>`coalesce(blobs.missing_since, now())` }))
          .execute();
      }
    },
  };
}

/**
 * How stale a reused blob's touch may be before it is refreshed. Garbage collection's grace period
 * must be longer than this plus the longest import (config enforces at least twice this).
 */
export const TOUCH_INTERVAL_SECONDS = 3600;

export interface PackedBlob {
  sha: string;
  size: number;
  offset: number;
}

export interface PackedBlobPlace {
  packKey: string;
  offset: number;
  size: number;
}

/** An upsert may touch each row once per statement. */
function uniqueBySha<T extends { sha: string }>(blobs: T[]): T[] {
  return [...new Map(blobs.map((blob) => [blob.sha, blob])).values()];
}
