import { diffFiles } from '../git/diff-files.js';
import { readCommit, readCommits } from '../git/read-commits.js';
import { resolveCommit } from '../git/resolve-commit.js';
import type { Context } from '../http/context.js';
import { HttpError } from '../http/http-error.js';
import { timeParam } from '../http/list-params.js';
import { linkHeader, pageParams } from '../http/paginate.js';
import type { Router } from '../http/router.js';
import { commitShape } from '../shapes/commit.js';

/** Commits API: https://docs.github.com/rest/commits/commits */
export function commitRoutes(router: Router): void {
  router.add('GET', '/repos/{owner}/{repo}/commits', 'https://docs.github.com/rest/commits/commits#list-commits', async (ctx: Context) => {
    const handle = await ctx.core.repo(ctx);
    const start = ctx.query.get('sha') ?? (await ctx.core.facts(handle)).defaultBranch;
    const sha = await resolveCommit(handle.gitDir, start);
    // An empty repository answers 409 "Git Repository is empty."
    if (!sha) throw new HttpError(ctx.query.get('sha') ? 404 : 409, ctx.query.get('sha') ? 'Not Found' : 'Git Repository is empty.', { documentation_url: ctx.docs });
    const { perPage, page } = pageParams(ctx);
    const path = ctx.query.get('path');
    // `since`/`until` bound the commit (committer) date, as git's own options do.
    const since = timeParam(ctx, 'since', 'Commit', 400);
    const until = timeParam(ctx, 'until', 'Commit', 400);
    const window = [...(since === null ? [] : [`--since=${since / 1000}`]), ...(until === null ? [] : [`--until=${until / 1000}`])];
    const commits = await readCommits(handle.gitDir, [`--skip=${(page - 1) * perPage}`, `--max-count=${perPage + 1}`, ...window, sha], path ? [path] : []);
    const items = commits.slice(0, perPage);
    // One extra commit is read to know whether a next page exists; "last" then points one page ahead.
    const headers = linkHeader(ctx, page, commits.length > perPage ? page + 1 : page, perPage);
    return { status: 200, json: items.map((c) => commitShape(ctx.core.urls, handle, c)), headers };
  });

  router.add('GET', '/repos/{owner}/{repo}/commits/{ref}', 'https://docs.github.com/rest/commits/commits#get-a-commit', async (ctx: Context) => {
    const handle = await ctx.core.repo(ctx);
    const ref = ctx.params.ref ?? '';
    const sha = await resolveCommit(handle.gitDir, ref);
    if (!sha) throw new HttpError(422, `No commit found for SHA: ${ref}`, { documentation_url: ctx.docs });
    // `application/vnd.github.sha` returns only the SHA: the cheapest way to poll a branch head (with ETag).
    // https://docs.github.com/rest/commits/commits#get-a-commit
    if (/application\/vnd\.github(\.v3)?\.sha/.test(ctx.accept)) return { status: 200, raw: { body: sha, contentType: 'application/vnd.github.sha; charset=utf-8' } };
    const commit = await readCommit(handle.gitDir, sha);
    if (!commit) throw new HttpError(422, `No commit found for SHA: ${ref}`, { documentation_url: ctx.docs });
    // Files are diffed against the first parent and capped at 300 like GitHub's.
    const { files } = await diffFiles(handle.gitDir, commit.parents[0] ?? null, sha, ctx.core.limits.compareFiles);
    return { status: 200, json: commitShape(ctx.core.urls, handle, commit, { list: files }) };
  });
}
