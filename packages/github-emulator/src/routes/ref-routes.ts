import { listRefs, readRef, type RefEntry } from '../git/list-refs.js';
import { isAncestor, objectType } from '../git/resolve-commit.js';
import { GitError, runGit } from '../git/run-git.js';
import type { Context } from '../http/context.js';
import { HttpError } from '../http/http-error.js';
import { paginate } from '../http/paginate.js';
import type { Router } from '../http/router.js';
import { refShape } from '../shapes/git-objects.js';
import { nodeId } from '../shapes/user.js';
import { repoApiUrl } from '../shapes/urls.js';
import type { RepoHandle } from '../state/repo-store.js';
import { ZERO_SHA } from '../webhooks/build-payloads.js';

const REFS_DOCS = 'https://docs.github.com/rest/git/refs';

/** Git references: https://docs.github.com/rest/git/refs, and the tags listing. */
export function refRoutes(router: Router): void {
  router.add('GET', '/repos/{owner}/{repo}/git/ref/{ref}', `${REFS_DOCS}#get-a-reference`, async (ctx: Context) => {
    const handle = await ctx.core.repo(ctx);
    const entry = await readRef(handle.gitDir, `refs/${ctx.params.ref ?? ''}`);
    if (!entry) throw new HttpError(404, 'Not Found', { documentation_url: ctx.docs });
    return { status: 200, json: refShape(ctx.core.urls, handle, entry.ref, entry.sha, entry.type) };
  });

  // matching-refs is not paginated by GitHub: it returns every ref under the prefix (an empty array when none).
  router.add('GET', '/repos/{owner}/{repo}/git/matching-refs/{ref}', `${REFS_DOCS}#list-matching-references`, async (ctx: Context) => {
    const handle = await ctx.core.repo(ctx);
    const prefix = `refs/${ctx.params.ref ?? ''}`;
    const entries = (await listRefs(handle.gitDir, ['refs/'])).filter((e) => e.ref.startsWith(prefix));
    return { status: 200, json: entries.map((e) => refShape(ctx.core.urls, handle, e.ref, e.sha, e.type)) };
  });

  // The legacy listing the @octokit/fixtures "git-refs" scenario records: GET .../git/refs/
  router.add('GET', '/repos/{owner}/{repo}/git/refs', `${REFS_DOCS}#list-matching-references`, async (ctx: Context) => {
    const handle = await ctx.core.repo(ctx);
    const entries = await listRefs(handle.gitDir, ['refs/heads/', 'refs/tags/']);
    if (entries.length === 0) throw new HttpError(409, 'Git Repository is empty.', { documentation_url: ctx.docs });
    const page = paginate(ctx, entries);
    return { status: 200, json: page.items.map((e) => refShape(ctx.core.urls, handle, e.ref, e.sha, e.type)), headers: page.headers };
  });

  router.add('POST', '/repos/{owner}/{repo}/git/refs', `${REFS_DOCS}#create-a-reference`, async (ctx: Context) => {
    const handle = await ctx.core.repo(ctx, { write: true });
    const { ref, sha } = (ctx.body ?? {}) as { ref?: unknown; sha?: unknown };
    if (typeof ref !== 'string' || typeof sha !== 'string') throw invalid(ctx, 'Invalid request.\n\n"ref", "sha" weren\'t supplied.');
    if (!ref.startsWith('refs/') || ref.split('/').length < 3 || !(await validRefName(handle, ref))) {
      throw invalid(ctx, "Reference name must start with 'refs/' and have at least two slashes.");
    }
    const type = await objectType(handle.gitDir, sha);
    if (!type || sha.length !== 40) throw invalid(ctx, 'Object does not exist');
    if (ref.startsWith('refs/heads/') && type !== 'commit') throw invalid(ctx, 'Object does not exist');
    return ctx.core.store.withLock(handle, async () => {
      if (await readRef(handle.gitDir, ref)) throw invalid(ctx, 'Reference already exists');
      await moveRefOr422(ctx, handle, ref, sha, ZERO_SHA);
      return { status: 201, json: refShape(ctx.core.urls, handle, ref, sha, type), headers: { location: `${repoApiUrl(ctx.core.urls, handle.owner, handle.name)}/git/${ref}` } };
    });
  });

  router.add('PATCH', '/repos/{owner}/{repo}/git/refs/{ref}', `${REFS_DOCS}#update-a-reference`, async (ctx: Context) => {
    const handle = await ctx.core.repo(ctx, { write: true });
    const ref = `refs/${ctx.params.ref ?? ''}`;
    const { sha, force = false } = (ctx.body ?? {}) as { sha?: unknown; force?: unknown };
    if (typeof sha !== 'string') throw invalid(ctx, 'Invalid request.\n\n"sha" wasn\'t supplied.');
    return ctx.core.store.withLock(handle, async () => {
      const current = await readRef(handle.gitDir, ref);
      if (!current) throw invalid(ctx, 'Reference does not exist');
      const type = await objectType(handle.gitDir, sha);
      if (!type || sha.length !== 40) throw invalid(ctx, 'Object does not exist');
      if (current.sha === sha) return { status: 200, json: refShape(ctx.core.urls, handle, ref, sha, type) };
      const fastForward = type === 'commit' && current.type === 'commit' && (await isAncestor(handle.gitDir, current.sha, sha));
      // force:false refuses anything but a fast-forward: https://docs.github.com/rest/git/refs#update-a-reference
      if (!fastForward && force !== true) throw invalid(ctx, 'Update is not a fast forward');
      assertUnprotected(ctx, handle, ref, fastForward);
      await moveRefOr422(ctx, handle, ref, sha, current.sha);
      return { status: 200, json: refShape(ctx.core.urls, handle, ref, sha, type) };
    });
  });

  router.add('DELETE', '/repos/{owner}/{repo}/git/refs/{ref}', `${REFS_DOCS}#delete-a-reference`, async (ctx: Context) => {
    const handle = await ctx.core.repo(ctx, { write: true });
    const ref = `refs/${ctx.params.ref ?? ''}`;
    return ctx.core.store.withLock(handle, async () => {
      const current = await readRef(handle.gitDir, ref);
      if (!current) throw invalid(ctx, 'Reference does not exist');
      const branch = ref.replace(/^refs\/heads\//, '');
      if (ref.startsWith('refs/heads/') && handle.info.protection[branch]) throw invalid(ctx, 'Cannot delete this protected branch');
      await moveRefOr422(ctx, handle, ref, ZERO_SHA, current.sha);
      return { status: 204 };
    });
  });

  router.add('GET', '/repos/{owner}/{repo}/tags', 'https://docs.github.com/rest/repos/repos#list-repository-tags', async (ctx: Context) => {
    const handle = await ctx.core.repo(ctx);
    const api = repoApiUrl(ctx.core.urls, handle.owner, handle.name);
    const tags = (await listRefs(handle.gitDir, ['refs/tags/'])).reverse().map((e: RefEntry) => {
      const name = e.ref.slice('refs/tags/'.length);
      const sha = e.peeled ?? e.sha;
      return {
        name,
        commit: { sha, url: `${api}/commits/${sha}` },
        zipball_url: `${api}/zipball/refs/tags/${name}`,
        tarball_url: `${api}/tarball/refs/tags/${name}`,
        node_id: nodeId('REF', `${handle.info.id}:${e.ref}`),
      };
    });
    const page = paginate(ctx, tags);
    return { status: 200, json: page.items, headers: page.headers };
  });
}

function invalid(ctx: Context, message: string): HttpError {
  return new HttpError(422, message, { documentation_url: ctx.docs });
}

async function validRefName(handle: RepoHandle, ref: string): Promise<boolean> {
  const { code } = await runGit(handle.gitDir, ['check-ref-format', ref], { okCodes: [1] });
  return code === 0;
}

/**
 * Branch protection as GitHub applies it to Git Data API writes: required reviews forbid any
 * direct update, and without "allow force pushes" a non-fast-forward is refused.
 */
function assertUnprotected(ctx: Context, handle: RepoHandle, ref: string, fastForward: boolean): void {
  if (!ref.startsWith('refs/heads/')) return;
  const rule = handle.info.protection[ref.slice('refs/heads/'.length)];
  if (!rule) return;
  if (rule.requirePullRequest) throw invalid(ctx, `Protected branch update failed for ${ref}.`);
  if (!fastForward && !rule.allowForcePushes) throw invalid(ctx, 'Cannot force-push to this branch');
}

async function moveRefOr422(ctx: Context, handle: RepoHandle, ref: string, after: string, before: string): Promise<void> {
  try {
    await ctx.core.moveRef(handle, ref, after, before, ctx.core.actor(ctx.identity, handle));
  } catch (error) {
    // The compare-and-swap lost against a concurrent push.
    if (error instanceof GitError) throw invalid(ctx, 'Reference cannot be updated');
    throw error;
  }
}
