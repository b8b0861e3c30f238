import type { Context } from '../http/context.js';
import type { Router } from '../http/router.js';
import { repositoryShape } from '../shapes/repository.js';

/** GET /repos/{owner}/{repo}: https://docs.github.com/rest/repos/repos#get-a-repository */
export function repositoryRoutes(router: Router): void {
  router.add('GET', '/repos/{owner}/{repo}', 'https://docs.github.com/rest/repos/repos#get-a-repository', async (ctx: Context) => {
    const handle = await ctx.core.repo(ctx);
    const facts = await ctx.core.facts(handle);
    // `permissions` appears only for authenticated callers.
    const permissions = ctx.identity.kind === 'anonymous' ? undefined : { admin: ctx.identity.kind === 'pat', push: ctx.identity.kind !== 'app', pull: true };
    return { status: 200, json: repositoryShape(ctx.core.urls, handle, facts, permissions) };
  });
}
