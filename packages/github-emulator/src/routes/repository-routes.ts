import { readRef } from '../git/list-refs.js';
import type { Context } from '../http/context.js';
import { HttpError, validationFailed } from '../http/http-error.js';
import type { Router } from '../http/router.js';
import { callerPermissions, repositoryShape } from '../shapes/repository.js';
import type { RepoHandle } from '../state/repo-store.js';
import { isRepositoryName, updateRepository, type RepositoryUpdate } from '../state/update-repository.js';

const DOCS = 'https://docs.github.com/rest/repos/repos';
/** The fields of "Update a repository" the emulator models; the others are refused, not ignored. */
const UPDATABLE = new Set(['name', 'default_branch', 'archived']);

/** GET and PATCH /repos/{owner}/{repo}: https://docs.github.com/rest/repos/repos */
export function repositoryRoutes(router: Router): void {
  router.add('GET', '/repos/{owner}/{repo}', `${DOCS}#get-a-repository`, async (ctx: Context) => {
    const handle = await ctx.core.repo(ctx);
    return { status: 200, json: await describe(ctx, handle) };
  });

  // Each change that takes effect delivers its own `repository` webhook (renamed, edited, archived, unarchived).
  router.add('PATCH', '/repos/{owner}/{repo}', `${DOCS}#update-a-repository`, async (ctx: Context) => {
    const handle = await ctx.core.repo(ctx, { write: true, evenArchived: true });
    const update = await readUpdate(ctx, handle);
    if (handle.info.archived && update.archived !== false && Object.keys(update).some((k) => k !== 'archived')) {
      throw new HttpError(403, 'Repository was archived so is read-only.', { documentation_url: ctx.docs });
    }
    await updateRepository(ctx.core, handle, update, ctx.core.actor(ctx.identity, handle));
    return { status: 200, json: await describe(ctx, handle) };
  });
}

async function describe(ctx: Context, handle: RepoHandle) {
  return repositoryShape(ctx.core.urls, handle, await ctx.core.facts(handle), callerPermissions(ctx.identity));
}

/** The request body as a `RepositoryUpdate`, or GitHub's 422 for a field it would reject. */
async function readUpdate(ctx: Context, handle: RepoHandle): Promise<RepositoryUpdate> {
  const body = (ctx.body ?? {}) as Record<string, unknown>;
  const unsupported = Object.keys(body).filter((k) => !UPDATABLE.has(k));
  if (unsupported.length > 0) {
    throw new HttpError(422, 'Validation Failed', {
      errors: unsupported.map((field) => ({ resource: 'Repository', field, code: 'custom', message: `the GitHub emulator does not update ${field}` })),
      documentation_url: ctx.docs,
    });
  }
  const { name, default_branch: defaultBranch, archived } = body;
  if (name !== undefined && (typeof name !== 'string' || !isRepositoryName(name))) throw validationFailed('Repository', 'name', 'invalid', ctx.docs);
  if (typeof name === 'string' && name.toLowerCase() !== handle.name.toLowerCase() && (await ctx.core.store.find(handle.owner, name))) {
    throw new HttpError(422, 'Validation Failed', {
      errors: [{ resource: 'Repository', field: 'name', code: 'custom', message: 'name already exists on this account' }],
      documentation_url: ctx.docs,
    });
  }
  if (defaultBranch !== undefined && (typeof defaultBranch !== 'string' || !(await readRef(handle.gitDir, `refs/heads/${defaultBranch}`)))) {
    throw validationFailed('Repository', 'default_branch', 'invalid', ctx.docs);
  }
  if (archived !== undefined && typeof archived !== 'boolean') throw validationFailed('Repository', 'archived', 'invalid', ctx.docs);
  return {
    ...(name !== undefined ? { name } : {}),
    ...(defaultBranch !== undefined ? { defaultBranch } : {}),
    ...(archived !== undefined ? { archived } : {}),
  };
}
