import { readCommit } from '../git/read-commits.js';
import { objectType } from '../git/resolve-commit.js';
import { runGit } from '../git/run-git.js';
import type { Context } from '../http/context.js';
import { HttpError } from '../http/http-error.js';
import type { Router } from '../http/router.js';
import { gitCommitShape } from '../shapes/commit.js';
import { repoApiUrl } from '../shapes/urls.js';

const DOCS = 'https://docs.github.com/rest/git/commits';

interface Person {
  name?: unknown;
  email?: unknown;
  date?: unknown;
}

/** Git commits: https://docs.github.com/rest/git/commits */
export function gitCommitRoutes(router: Router): void {
  router.add('GET', '/repos/{owner}/{repo}/git/commits/{commit_sha}', `${DOCS}#get-a-commit-object`, async (ctx: Context) => {
    const handle = await ctx.core.repo(ctx);
    const sha = ctx.params.commit_sha ?? '';
    const commit = sha.length === 40 && (await objectType(handle.gitDir, sha)) === 'commit' ? await readCommit(handle.gitDir, sha) : null;
    if (!commit) throw new HttpError(404, 'Not Found', { documentation_url: ctx.docs });
    return { status: 200, json: gitCommitShape(ctx.core.urls, handle, commit) };
  });

  router.add('POST', '/repos/{owner}/{repo}/git/commits', `${DOCS}#create-a-commit`, async (ctx: Context) => {
    const handle = await ctx.core.repo(ctx, { write: true });
    const body = (ctx.body ?? {}) as { message?: unknown; tree?: unknown; parents?: unknown; author?: Person; committer?: Person };
    const fail = (message: string) => new HttpError(422, message, { documentation_url: ctx.docs });
    if (typeof body.message !== 'string') throw fail('Invalid request.\n\n"message" wasn\'t supplied.');
    if (typeof body.tree !== 'string' || (await objectType(handle.gitDir, body.tree)) !== 'tree') throw fail('Tree SHA does not exist');
    const parents = body.parents ?? [];
    if (!Array.isArray(parents) || parents.some((p) => typeof p !== 'string')) throw fail('Invalid request.\n\n"parents" must be an array of strings.');
    for (const parent of parents as string[]) {
      if (parent.length !== 40 || (await objectType(handle.gitDir, parent)) !== 'commit') throw fail('Parent SHA does not exist or is not a commit object');
    }
    // Without an author GitHub uses the authenticated user and the current time; the committer defaults to the author.
    const login = ctx.core.actor(ctx.identity, handle);
    const author = person(body.author, { name: login, email: `${login}@users.noreply.github.com` });
    const committer = person(body.committer, author);
    const env = {
      GIT_AUTHOR_NAME: author.name,
      GIT_AUTHOR_EMAIL: author.email,
      GIT_AUTHOR_DATE: author.date,
      GIT_COMMITTER_NAME: committer.name,
      GIT_COMMITTER_EMAIL: committer.email,
      GIT_COMMITTER_DATE: committer.date,
    };
    const args = ['commit-tree', body.tree, ...(parents as string[]).flatMap((p) => ['-p', p])];
    const { stdout } = await runGit(handle.gitDir, args, { input: body.message, env });
    const commit = await readCommit(handle.gitDir, stdout.toString('utf8').trim());
    if (!commit) throw new Error('commit-tree produced no commit');
    return {
      status: 201,
      json: gitCommitShape(ctx.core.urls, handle, commit),
      headers: { location: `${repoApiUrl(ctx.core.urls, handle.owner, handle.name)}/git/commits/${commit.sha}` },
    };
  });
}

function person(input: Person | undefined, fallback: { name: string; email: string; date?: string }): { name: string; email: string; date: string } {
  const name = typeof input?.name === 'string' ? input.name : fallback.name;
  const email = typeof input?.email === 'string' ? input.email : fallback.email;
  const date = typeof input?.date === 'string' ? input.date : (fallback.date ?? new Date().toISOString());
  return { name, email, date };
}
