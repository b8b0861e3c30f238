import { issuesRepository, type PullRequestInput } from '../../db/repositories/issues.js';
import { syncStatesRepository } from '../../db/repositories/sync-states.js';
import { pullRequestFromGitHub } from '../github-items.js';
import { fetchPage, validItems, type PhaseContext } from '../phase-context.js';

const PER_PAGE = 100;

/**
 * Pull requests' branches, merge state and draft flag. The pulls list has no `since`, so it is
 * read newest update first (`sort=updated&direction=desc`) and stops at the first pull request
 * not updated since the cursor; the cursor moves only when the walk is complete.
 */
export async function syncPulls(ctx: PhaseContext): Promise<void> {
  const cursor = ctx.state?.cursor ? new Date(ctx.state.cursor) : null;
  let newest = ctx.state?.cursor ?? null;
  let firstEtag: string | null = null;
  for (let page = 1; ; page++) {
    ctx.heartbeat();
    const result = await fetchPage(ctx, 'GET /repos/{owner}/{repo}/pulls', { state: 'all', sort: 'updated', direction: 'desc', per_page: PER_PAGE, page }, page === 1 ? ctx.state?.etag : null);
    if (result.notModified) return;
    if (page === 1) firstEtag = result.etag;
    const parsed = validItems(ctx, result.items, pullRequestFromGitHub);
    const fresh: PullRequestInput[] = parsed.filter((p) => cursor === null || p.pull.updated_at >= cursor).map((p) => p.pull);
    for (const pull of fresh) if (newest === null || pull.updated_at.toISOString() > newest) newest = pull.updated_at.toISOString();
    ctx.result.rowsWritten += await issuesRepository(ctx.db).upsertPullRequests(ctx.project.id, fresh);
    const done = !result.hasNext || fresh.length < parsed.length;
    if (done) {
      await syncStatesRepository(ctx.db).advance(ctx.project.id, ctx.phase, { etag: firstEtag, cursor: newest });
      return;
    }
  }
}
