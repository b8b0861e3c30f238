import { refsRepository, type RefInput } from '../../db/repositories/refs.js';
import { syncStatesRepository } from '../../db/repositories/sync-states.js';
import { InvalidGitHubItemError, commitSha, refName } from '../github-items.js';
import { fetchPage, validItems, type PhaseContext } from '../phase-context.js';

const PER_PAGE = 100;

function refFromGitHub(kind: 'branch' | 'tag') {
  return (value: unknown): RefInput => {
    if (value === null || typeof value !== 'object') throw new InvalidGitHubItemError(kind, 'not an object');
    const item = value as { name?: unknown; commit?: { sha?: unknown } | null; protected?: unknown };
    // The tags list reports the commit a tag points at: for an annotated tag that is already the peeled commit.
    return { name: refName(item.name, 'name'), kind, sha: commitSha(item.commit?.sha, 'commit.sha'), peeled_sha: null, protected: item.protected === true };
  };
}

/**
 * Branches or tags: the whole listing (`per_page=100`), conditional on the stored ETag. Refs
 * missing from it are deleted only once every page arrived, in the same transaction that stores
 * the listing and its ETag; a failed or 304 listing deletes nothing.
 */
export async function syncRefListing(ctx: PhaseContext, kind: 'branch' | 'tag'): Promise<void> {
  const route = kind === 'branch' ? 'GET /repos/{owner}/{repo}/branches' : 'GET /repos/{owner}/{repo}/tags';
  const first = await fetchPage(ctx, route, { per_page: PER_PAGE, page: 1 }, ctx.state?.etag);
  if (first.notModified) return;
  const refs = validItems(ctx, first.items, refFromGitHub(kind));
  let more = first.hasNext;
  for (let page = 2; more; page++) {
    ctx.heartbeat();
    const next = await fetchPage(ctx, route, { per_page: PER_PAGE, page });
    if (next.notModified) break;
    refs.push(...validItems(ctx, next.items, refFromGitHub(kind)));
    more = next.hasNext;
  }
  await ctx.db.transaction().execute(async (trx) => {
    await refsRepository(trx).upsert(ctx.project.id, refs);
    const removed = await refsRepository(trx).removeUnlisted(ctx.project.id, kind, refs.map((r) => r.name));
    ctx.result.rowsWritten += refs.length + removed;
    await syncStatesRepository(trx).advance(ctx.project.id, ctx.phase, { etag: first.etag, cursor: null });
  });
}
