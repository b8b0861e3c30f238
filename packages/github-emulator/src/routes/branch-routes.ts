import { listRefs, readRef } from '../git/list-refs.js';
import { readCommit } from '../git/read-commits.js';
import type { Context } from '../http/context.js';
import { HttpError } from '../http/http-error.js';
import { paginate } from '../http/paginate.js';
import type { Router } from '../http/router.js';
import { branchShape, protectionShape, shortBranchShape } from '../shapes/branch.js';
import { commitShape } from '../shapes/commit.js';

const PROTECTION_DOCS = 'https://docs.github.com/rest/branches/branch-protection#get-branch-protection';

/** Branches and their protection: https://docs.github.com/rest/branches */
export function branchRoutes(router: Router): void {
  router.add('GET', '/repos/{owner}/{repo}/branches', 'https://docs.github.com/rest/branches/branches#list-branches', async (ctx: Context) => {
    const handle = await ctx.core.repo(ctx);
    const filter = ctx.query.get('protected');
    const branches = (await listRefs(handle.gitDir, ['refs/heads/']))
      .map((r) => shortBranchShape(ctx.core.urls, handle, r.ref.slice('refs/heads/'.length), r.sha))
      .filter((b) => filter === null || String(b.protected) === filter);
    const page = paginate(ctx, branches);
    return { status: 200, json: page.items, headers: page.headers };
  });

  // Registered before the greedy `{branch}` route so `.../protection` is not read as part of a branch name.
  router.add('GET', '/repos/{owner}/{repo}/branches/{branch}/protection', PROTECTION_DOCS, async (ctx: Context) => {
    const handle = await ctx.core.repo(ctx);
    const name = ctx.params.branch ?? '';
    if (!(await readRef(handle.gitDir, `refs/heads/${name}`))) throw new HttpError(404, 'Branch not found', { documentation_url: PROTECTION_DOCS });
    const rule = handle.info.protection[name];
    if (!rule) throw new HttpError(404, 'Branch not protected', { documentation_url: PROTECTION_DOCS });
    return { status: 200, json: protectionShape(ctx.core.urls, handle, name, rule) };
  });

  router.add('GET', '/repos/{owner}/{repo}/branches/{branch}', 'https://docs.github.com/rest/branches/branches#get-a-branch', async (ctx: Context) => {
    const handle = await ctx.core.repo(ctx);
    const name = ctx.params.branch ?? '';
    const ref = await readRef(handle.gitDir, `refs/heads/${name}`);
    const commit = ref ? await readCommit(handle.gitDir, ref.sha) : null;
    if (!ref || !commit) throw new HttpError(404, 'Branch not found', { documentation_url: ctx.docs });
    return { status: 200, json: branchShape(ctx.core.urls, handle, name, commitShape(ctx.core.urls, handle, commit)) };
  });
}
