import type { Db } from '../connection.js';

/** The index of what the blob store holds, so a sync can skip known blobs without asking it. */
export function blobsRepository(db: Db) {
  return {
    async knownAmong(shas: string[]): Promise<Set<string>> {
      const known = new Set<string>();
      for (let start = 0; start < shas.length; start += 5000) {
        const rows = await db.selectFrom('blobs').select('sha').where('sha', 'in', shas.slice(start, start + 5000)).execute();
        for (const row of rows) known.add(row.sha);
      }
      return known;
    },

    async record(blobs: Array<{ sha: string; size: number }>): Promise<void> {
      for (let start = 0; start < blobs.length; start += 5000) {
        await db.insertInto('blobs').values(blobs.slice(start, start + 5000)).onConflict((oc) => oc.column('sha').doNothing()).execute();
      }
    },
  };
}
