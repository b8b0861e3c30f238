import { diffFiles } from '../git/diff-files.js';
import { readCommit, readCommits } from '../git/read-commits.js';
import { resolveCommit } from '../git/resolve-commit.js';
import { gitText, runGit } from '../git/run-git.js';
import type { Context } from '../http/context.js';
import { HttpError } from '../http/http-error.js';
import { linkHeader, pageParams } from '../http/paginate.js';
import type { Router } from '../http/router.js';
import { commitShape, diffEntryShape } from '../shapes/commit.js';
import { repoApiUrl, repoWebUrl } from '../shapes/urls.js';

const DOCS = 'https://docs.github.com/rest/commits/commits#compare-two-commits';

/**
 * GET /repos/{owner}/{repo}/compare/{base}...{head} with GitHub's semantics: commits of
 * `base..head` oldest first (the newest 250 without paging parameters, pages when given),
 * files of the three-dot diff (merge base → head) capped at 300 and listed on page 1 only.
 * https://docs.github.com/rest/commits/commits#compare-two-commits
 */
export function compareRoute(router: Router): void {
  router.add('GET', '/repos/{owner}/{repo}/compare/{basehead}', DOCS, async (ctx: Context) => {
    const handle = await ctx.core.repo(ctx);
    const { gitDir } = handle;
    const [baseName, headName] = splitBasehead(ctx.params.basehead ?? '', handle.owner);
    const base = baseName === null ? null : await resolveCommit(gitDir, baseName);
    const head = headName === null ? null : await resolveCommit(gitDir, headName);
    if (!base || !head) throw new HttpError(404, 'Not Found', { documentation_url: DOCS });
    const mergeBase = await runGit(gitDir, ['merge-base', base, head], { okCodes: [1] });
    if (mergeBase.code !== 0) throw new HttpError(404, `No common ancestor between ${baseName} and ${headName}.`, { documentation_url: DOCS });
    const mb = mergeBase.stdout.toString('utf8').trim();
    const aheadBy = Number(await gitText(gitDir, ['rev-list', '--count', `${base}..${head}`]));
    const behindBy = Number(await gitText(gitDir, ['rev-list', '--count', `${head}..${base}`]));
    const status = aheadBy === 0 && behindBy === 0 ? 'identical' : behindBy === 0 ? 'ahead' : aheadBy === 0 ? 'behind' : 'diverged';

    const paging = ctx.query.has('page') || ctx.query.has('per_page');
    const { perPage, page } = pageParams(ctx);
    const range = `${base}..${head}`;
    const commits = paging
      ? await readCommits(gitDir, ['--reverse', range]).then((all) => all.slice((page - 1) * perPage, page * perPage))
      : // Without paging: at most 250, ending with the newest commit of the comparison.
        await readCommits(gitDir, [`--max-count=${ctx.core.limits.compareCommits}`, range]).then((newest) => newest.reverse());
    const showFiles = !paging || page === 1;
    const files = showFiles ? (await diffFiles(gitDir, mb, head, ctx.core.limits.compareFiles)).files : [];

    const [baseCommit, mbCommit] = await Promise.all([readCommit(gitDir, base), readCommit(gitDir, mb)]);
    if (!baseCommit || !mbCommit) throw new HttpError(404, 'Not Found', { documentation_url: DOCS });
    const api = repoApiUrl(ctx.core.urls, handle.owner, handle.name);
    const web = repoWebUrl(ctx.core.urls, handle.owner, handle.name);
    const basehead = `${baseName}...${headName}`;
    const last = paging ? Math.max(1, Math.ceil(aheadBy / perPage)) : 1;
    return {
      status: 200,
      headers: paging ? linkHeader(ctx, page, last, perPage) : {},
      json: {
        url: `${api}/compare/${basehead}`,
        html_url: `${web}/compare/${basehead}`,
        permalink_url: `${web}/compare/${handle.owner}:${base.slice(0, 7)}...${handle.owner}:${head.slice(0, 7)}`,
        diff_url: `${web}/compare/${basehead}.diff`,
        patch_url: `${web}/compare/${basehead}.patch`,
        base_commit: commitShape(ctx.core.urls, handle, baseCommit),
        merge_base_commit: commitShape(ctx.core.urls, handle, mbCommit),
        status,
        ahead_by: aheadBy,
        behind_by: behindBy,
        total_commits: aheadBy,
        commits: commits.map((c) => commitShape(ctx.core.urls, handle, c)),
        ...(showFiles ? { files: files.map((f) => diffEntryShape(ctx.core.urls, handle, head, f)) } : {}),
      },
    };
  });
}

/** `base...head`, each optionally `owner:ref` (only the repository's own owner is served). */
function splitBasehead(basehead: string, owner: string): [string | null, string | null] {
  const at = basehead.indexOf('...');
  if (at < 0) return [null, null];
  const strip = (side: string) => {
    const colon = side.indexOf(':');
    if (colon < 0) return side;
    return side.slice(0, colon).toLowerCase() === owner.toLowerCase() ? side.slice(colon + 1) : null;
  };
  return [strip(basehead.slice(0, at)), strip(basehead.slice(at + 3))];
}
