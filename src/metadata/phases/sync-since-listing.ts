import type { Db } from '../../db/connection.js';
import { syncStatesRepository } from '../../db/repositories/sync-states.js';
import { fetchPage, validItems, type PhaseContext } from '../phase-context.js';
import { roundSince } from '../round-since.js';

const PER_PAGE = 100;

export interface SinceListing<T> {
  route: string;
  /** Fixed parameters besides `since`, sorting and paging (e.g. `state: 'all'`). */
  params?: Record<string, string>;
  parse(item: unknown): T;
  updatedAt(row: T): Date;
  store(db: Db, rows: T[]): Promise<number>;
}

/**
 * A listing followed by its `updated_at` cursor (issues, comments, review comments): sorted by
 * update, oldest first, from the cursor rounded down to the hour. Each page is stored in one
 * transaction with the cursor moved to its newest item, so a worker killed mid-phase resumes
 * from the last stored page; what the rounding re-lists is upserted, never duplicated. The first
 * page's ETag is kept with the finished listing, so an unchanged repository is answered 304.
 */
export async function syncSinceListing<T>(ctx: PhaseContext, listing: SinceListing<T>): Promise<void> {
  const startCursor = ctx.state?.cursor ?? null;
  const since = roundSince(startCursor);
  const params = { ...listing.params, sort: 'updated', direction: 'asc', per_page: PER_PAGE, ...(since ? { since } : {}) };
  let cursor = startCursor;
  let firstEtag: string | null = null;
  for (let page = 1; ; page++) {
    ctx.heartbeat();
    const result = await fetchPage(ctx, listing.route, { ...params, page }, page === 1 ? ctx.state?.etag : null);
    if (result.notModified) return;
    if (page === 1) firstEtag = result.etag;
    const rows = validItems(ctx, result.items, listing.parse);
    for (const row of rows) {
      const updated = listing.updatedAt(row).toISOString();
      if (cursor === null || updated > cursor) cursor = updated;
    }
    const last = !result.hasNext;
    await ctx.db.transaction().execute(async (trx) => {
      ctx.result.rowsWritten += await listing.store(trx, rows);
      // Until the listing is complete no ETag is kept: a resumed run must not be answered 304.
      await syncStatesRepository(trx).advance(ctx.project.id, ctx.phase, { etag: last ? firstEtag : null, cursor });
    });
    if (last) return;
  }
}
