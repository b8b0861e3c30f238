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
          .onConflict((oc) => oc.column('sha').doUpdateSet({ missing_since: null }).where('blobs.missing_since', 'is not', null))
          .execute();
      }
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

/** An upsert may touch each row once per statement. */
function uniqueBySha<T extends { sha: string }>(blobs: T[]): T[] {
  return [...new Map(blobs.map((blob) => [blob.sha, blob])).values()];
}
