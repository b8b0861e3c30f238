import { releasesRepository, type ReleaseInput } from '../../db/repositories/releases.js';
import { syncStatesRepository } from '../../db/repositories/sync-states.js';
import { releaseFromGitHub } from '../github-items.js';
import { fetchPage, validItems, type PhaseContext } from '../phase-context.js';

const PER_PAGE = 100;

/** Releases with their assets' names and sizes: the whole listing, conditional on the stored ETag; deleted releases go once it is complete. */
export async function syncReleases(ctx: PhaseContext): Promise<void> {
  const route = 'GET /repos/{owner}/{repo}/releases';
  const first = await fetchPage(ctx, route, { per_page: PER_PAGE, page: 1 }, ctx.state?.etag);
  if (first.notModified) return;
  const releases: ReleaseInput[] = validItems(ctx, first.items, releaseFromGitHub);
  let more = first.hasNext;
  for (let page = 2; more; page++) {
    ctx.heartbeat();
    const next = await fetchPage(ctx, route, { per_page: PER_PAGE, page });
    if (next.notModified) break;
    releases.push(...validItems(ctx, next.items, releaseFromGitHub));
    more = next.hasNext;
  }
  await ctx.db.transaction().execute(async (trx) => {
    await releasesRepository(trx).upsert(ctx.project.id, releases);
    await releasesRepository(trx).removeUnlisted(ctx.project.id, releases.map((r) => r.github_id));
    ctx.result.rowsWritten += releases.length;
    await syncStatesRepository(trx).advance(ctx.project.id, ctx.phase, { etag: first.etag, cursor: null });
  });
}
