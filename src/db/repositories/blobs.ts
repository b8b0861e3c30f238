import { sql } from 'kysely';
import type { Db } from '../connection.js';

/** The index of what the blob store holds, so a sync can skip known blobs without asking it. */
export function blobsRepository(db: Db) {
  return {
    /** The SHAs among `shas` indexed as stored (and not since found missing). */
    async knownAmong(shas: string[]): Promise<Set<string>> {
      const known = new Set<string>();
      for (let start = 0; start < shas.length; start += 5000) {
        const rows = await db.selectFrom('blobs').select('sha').where('sha', 'in', shas.slice(start, start + 5000)).where('missing_since', 'is', null).execute();
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

/** An upsert may touch each row once per statement. */
function uniqueBySha<T extends { sha: string }>(blobs: T[]): T[] {
  return [...new Map(blobs.map((blob) => [blob.sha, blob])).values()];
}
