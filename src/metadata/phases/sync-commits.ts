import { commitsRepository, type CommitInput } from '../../db/repositories/commits.js';
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
 * Commits back from every branch head (and from where the last run stopped), page by page with
 * `GET /commits?sha=…&per_page=100`, until a commit already stored: history is walked once.
 * At most `maxCommitsPerRun` are stored per run; the walk's continuation is kept in the cursor,
 * stored with each page's commits, so the next run (or a resumed one) goes on from there.
 */
export async function syncCommits(ctx: PhaseContext): Promise<void> {
  const commits = commitsRepository(ctx.db);
  const heads = await ctx.db.selectFrom('refs').select('sha').where('project_id', '=', ctx.project.id).where('kind', '=', 'branch').execute();
  const starts = [...new Set([...readCursor(ctx.state?.cursor).frontier, ...heads.map((h) => h.sha)])];
  const known = await commits.known(ctx.project.id, starts);
  const queue = starts.filter((s) => !known.has(s));
  let budget = ctx.maxCommitsPerRun;
  while (queue.length > 0 && budget > 0) {
    ctx.heartbeat();
    const start = queue.shift()!;
    const page = await fetchPage(ctx, 'GET /repos/{owner}/{repo}/commits', { sha: start, per_page: Math.min(PER_PAGE, Math.max(budget, 1)), page: 1 });
    if (page.notModified) continue;
    const listed = validItems(ctx, page.items, commitFromGitHub);
    const held = await commits.known(ctx.project.id, listed.map((c) => c.sha));
    const fresh: CommitInput[] = [];
    for (const commit of listed) {
      if (held.has(commit.sha)) break;
      fresh.push(commit);
    }
    const reachedKnown = fresh.length < listed.length;
    const last = fresh.at(-1);
    // A walk that neither reached a stored commit nor the root continues from the last commit's parents.
    if (!reachedKnown && last && page.hasNext) queue.unshift(...last.parents.filter((p) => !queue.includes(p)));
    budget -= fresh.length;
    await ctx.db.transaction().execute(async (trx) => {
      ctx.result.rowsWritten += await commitsRepository(trx).insert(ctx.project.id, fresh);
      await syncStatesRepository(trx).advance(ctx.project.id, ctx.phase, { etag: null, cursor: JSON.stringify({ frontier: queue } satisfies CommitCursor) });
    });
  }
  if (queue.length === 0) await syncStatesRepository(ctx.db).advance(ctx.project.id, ctx.phase, { etag: null, cursor: null });
}
