import { commitsRepository, type CommitInput } from '../../db/repositories/commits.js';
import { refsRepository } from '../../db/repositories/refs.js';
import { syncStatesRepository } from '../../db/repositories/sync-states.js';
import { commitFromGitHub } from '../github-items.js';
import { fetchPage, validItems, type PhaseContext } from '../phase-context.js';

const PER_PAGE = 100;

/** Where unfinished walks continue: commits whose history is not stored yet. */
interface CommitCursor {
  frontier: string[];
}

function readCursor(raw: string | null | undefined): CommitCursor {
  if (!raw) return { frontier: [] };
  try {
    const parsed = JSON.parse(raw) as Partial<CommitCursor>;
    return { frontier: Array.isArray(parsed.frontier) ? parsed.frontier.filter((s): s is string => typeof s === 'string' && /^[0-9a-f]{40}$/.test(s)) : [] };
  } catch {
    return { frontier: [] };
  }
}

/**
 * Commits back from every branch and tag (and from where the last run stopped), page by page with
 * `GET /commits?sha=…&per_page=100`, until stored commits: history is walked once. A listing
 * holds every ancestor in date order, so a merged side branch interleaves with the main line and
 * a stored commit can come before unstored ones. Every unstored commit of a page is kept, and the
 * walk goes on from each parent that is neither stored nor on the page: each side of a merge is
 * followed until it reaches stored history. At most `maxCommitsPerRun` are stored per run; the
 * parents still to walk are kept in the cursor, stored with each page's commits, so the next run
 * (or a resumed one) goes on from there.
 */
export async function syncCommits(ctx: PhaseContext): Promise<void> {
  const commits = commitsRepository(ctx.db);
  const tips = await refsRepository(ctx.db).commitTips(ctx.project.id);
  const starts = [...new Set([...readCursor(ctx.state?.cursor).frontier, ...tips])];
  const known = await commits.known(ctx.project.id, starts);
  const queue = starts.filter((s) => !known.has(s));
  let budget = ctx.maxCommitsPerRun;
  while (queue.length > 0 && budget > 0) {
    ctx.heartbeat();
    const start = queue.shift()!;
    // An earlier page of this run may have stored it since it was queued.
    if ((await commits.known(ctx.project.id, [start])).has(start)) continue;
    const page = await fetchPage(ctx, 'GET /repos/{owner}/{repo}/commits', { sha: start, per_page: Math.min(PER_PAGE, Math.max(budget, 1)), page: 1 });
    if (page.notModified) continue;
    const listed = validItems(ctx, page.items, commitFromGitHub);
    const onPage = new Set(listed.map((c) => c.sha));
    const held = await commits.known(ctx.project.id, listed.flatMap((c) => [c.sha, ...c.parents]));
    const fresh: CommitInput[] = listed.filter((c) => !held.has(c.sha));
    for (const parent of fresh.flatMap((c) => c.parents)) {
      if (!held.has(parent) && !onPage.has(parent) && !queue.includes(parent)) queue.push(parent);
    }
    budget -= fresh.length;
    await ctx.db.transaction().execute(async (trx) => {
      ctx.result.rowsWritten += await commitsRepository(trx).insert(ctx.project.id, fresh);
      await syncStatesRepository(trx).advance(ctx.project.id, ctx.phase, { etag: null, cursor: JSON.stringify({ frontier: queue } satisfies CommitCursor) });
    });
  }
  if (queue.length === 0) await syncStatesRepository(ctx.db).advance(ctx.project.id, ctx.phase, { etag: null, cursor: null });
}
