import { diffFiles } from '../git/diff-files.js';
import { readRef } from '../git/list-refs.js';
import { mergeCommits, mergeTree } from '../git/merge-commits.js';
import { gitText, runGit } from '../git/run-git.js';
import type { Context } from '../http/context.js';
import { HttpError } from '../http/http-error.js';
import { directionParam, sortBy } from '../http/list-params.js';
import { paginate } from '../http/paginate.js';
import type { Router } from '../http/router.js';
import { pullShape, type PullStats } from '../shapes/pull.js';
import { stableId, type RepoHandle } from '../state/repo-store.js';
import { timestamp } from '../state/timestamp.js';
import type { PullRecord } from '../types.js';

const DOCS = 'https://docs.github.com/rest/pulls/pulls';

/** Pull requests: create, get, list, merge. https://docs.github.com/rest/pulls/pulls */
export function pullRoutes(router: Router): void {
  router.add('POST', '/repos/{owner}/{repo}/pulls', `${DOCS}#create-a-pull-request`, async (ctx: Context) => {
    const handle = await ctx.core.repo(ctx, { write: true });
    const body = (ctx.body ?? {}) as { title?: unknown; head?: unknown; base?: unknown; body?: unknown; draft?: unknown };
    const fail = (errors: unknown[]) => new HttpError(422, 'Validation Failed', { errors, documentation_url: ctx.docs });
    if (typeof body.title !== 'string' || body.title === '') throw fail([{ resource: 'PullRequest', field: 'title', code: 'missing_field' }]);
    const head = typeof body.head === 'string' ? body.head.replace(new RegExp(`^${handle.owner}:`, 'i'), '') : '';
    const base = typeof body.base === 'string' ? body.base : '';
    const headRef = await readRef(handle.gitDir, `refs/heads/${head}`);
    const baseRef = await readRef(handle.gitDir, `refs/heads/${base}`);
    if (!baseRef) throw fail([{ resource: 'PullRequest', field: 'base', code: 'invalid' }]);
    if (!headRef) throw fail([{ resource: 'PullRequest', field: 'head', code: 'invalid' }]);
    const ahead = Number(await gitText(handle.gitDir, ['rev-list', '--count', `${baseRef.sha}..${headRef.sha}`]));
    if (ahead === 0) throw fail([{ resource: 'PullRequest', code: 'custom', message: `No commits between ${base} and ${head}` }]);
    return ctx.core.store.withLock(handle, async () => {
      if (handle.info.pulls.some((p) => p.state === 'open' && p.head === head && p.base === base)) {
        throw fail([{ resource: 'PullRequest', code: 'custom', message: `A pull request already exists for ${handle.owner}:${head}.` }]);
      }
      const now = timestamp();
      const number = handle.info.nextPullNumber++;
      const pull: PullRecord = {
        number,
        id: stableId(`pull:${handle.info.id}:${number}`),
        title: body.title as string,
        body: typeof body.body === 'string' ? body.body : null,
        head,
        base,
        headSha: headRef.sha,
        baseSha: baseRef.sha,
        state: 'open',
        merged: false,
        mergedAt: null,
        mergeCommitSha: null,
        draft: body.draft === true,
        user: ctx.core.actor(ctx.identity, handle),
        createdAt: now,
        updatedAt: now,
        closedAt: null,
      };
      handle.info.pulls.push(pull);
      await ctx.core.store.save(handle);
      const json = await renderPull(ctx, handle, pull);
      return { status: 201, json, headers: { location: json.url } };
    });
  });

  router.add('GET', '/repos/{owner}/{repo}/pulls', `${DOCS}#list-pull-requests`, async (ctx: Context) => {
    const handle = await ctx.core.repo(ctx);
    const state = ctx.query.get('state') ?? 'open';
    const head = ctx.query.get('head')?.replace(/^[^:]*:/, '');
    const base = ctx.query.get('base');
    const pulls = handle.info.pulls
      .filter((p) => (state === 'all' || p.state === state) && (!head || p.head === head) && (!base || p.base === base));
    const page = paginate(ctx, sortBy(pulls, ctx.query.get('sort') ?? 'created', directionParam(ctx, 'desc'), (p) => p.number));
    const json = await Promise.all(page.items.map((p) => renderPull(ctx, handle, p)));
    return { status: 200, json, headers: page.headers };
  });

  router.add('GET', '/repos/{owner}/{repo}/pulls/{pull_number}', `${DOCS}#get-a-pull-request`, async (ctx: Context) => {
    const handle = await ctx.core.repo(ctx);
    const pull = findPull(ctx, handle);
    return { status: 200, json: await renderPull(ctx, handle, pull) };
  });

  router.add('GET', '/repos/{owner}/{repo}/pulls/{pull_number}/merge', `${DOCS}#check-if-a-pull-request-has-been-merged`, async (ctx: Context) => {
    const handle = await ctx.core.repo(ctx);
    const pull = findPull(ctx, handle);
    if (!pull.merged) throw new HttpError(404, 'Not Found', { documentation_url: ctx.docs });
    return { status: 204 };
  });

  router.add('PUT', '/repos/{owner}/{repo}/pulls/{pull_number}/merge', `${DOCS}#merge-a-pull-request`, async (ctx: Context) => {
    const handle = await ctx.core.repo(ctx, { write: true });
    const pull = findPull(ctx, handle);
    const body = (ctx.body ?? {}) as { commit_title?: unknown; commit_message?: unknown; sha?: unknown; merge_method?: unknown };
    const method = body.merge_method ?? 'merge';
    if (method !== 'merge' && method !== 'squash' && method !== 'rebase') {
      throw new HttpError(422, 'Validation Failed', { errors: [{ resource: 'PullRequest', field: 'merge_method', code: 'invalid' }], documentation_url: ctx.docs });
    }
    return ctx.core.store.withLock(handle, async () => {
      if (pull.state !== 'open') throw new HttpError(405, 'Pull Request is not mergeable', { documentation_url: ctx.docs });
      const headRef = await readRef(handle.gitDir, `refs/heads/${pull.head}`);
      const baseRef = await readRef(handle.gitDir, `refs/heads/${pull.base}`);
      if (!headRef || !baseRef) throw new HttpError(405, 'Pull Request is not mergeable', { documentation_url: ctx.docs });
      if (typeof body.sha === 'string' && body.sha !== headRef.sha) {
        throw new HttpError(409, 'Head branch was modified. Review and try the merge again.', { documentation_url: ctx.docs });
      }
      const login = ctx.core.actor(ctx.identity, handle);
      const title = typeof body.commit_title === 'string' ? body.commit_title : method === 'squash' ? `${pull.title} (#${pull.number})` : `Merge pull request #${pull.number} from ${handle.owner}/${pull.head}`;
      const extra = typeof body.commit_message === 'string' ? body.commit_message : method === 'squash' ? '' : pull.title;
      const message = extra ? `${title}\n\n${extra}` : title;
      const sha = await mergeCommits(handle.gitDir, baseRef.sha, headRef.sha, method, message, { name: login, email: `${login}@users.noreply.github.com` });
      if (!sha) throw new HttpError(405, 'Pull Request is not mergeable', { documentation_url: ctx.docs });
      // Merging through a pull request is how protected branches are meant to move, so no protection check here.
      await ctx.core.moveRef(handle, baseRef.ref, sha, baseRef.sha, login);
      const now = timestamp();
      Object.assign(pull, { state: 'closed', merged: true, mergedAt: now, closedAt: now, updatedAt: now, mergeCommitSha: sha, headSha: headRef.sha, baseSha: baseRef.sha });
      await ctx.core.store.save(handle);
      return { status: 200, json: { sha, merged: true, message: 'Pull Request successfully merged' } };
    });
  });
}

function findPull(ctx: Context, handle: RepoHandle): PullRecord {
  const pull = handle.info.pulls.find((p) => p.number === Number(ctx.params.pull_number));
  if (!pull) throw new HttpError(404, 'Not Found', { documentation_url: ctx.docs });
  return pull;
}

/** Open pull requests track their branches live; closed ones keep the SHAs they ended with. */
export async function renderPull(ctx: Context, handle: RepoHandle, pull: PullRecord) {
  const facts = await ctx.core.facts(handle);
  let stats: PullStats = { headSha: pull.headSha, baseSha: pull.baseSha, commits: 0, additions: 0, deletions: 0, changedFiles: 0, mergeable: null };
  const headSha = pull.state === 'open' ? ((await readRef(handle.gitDir, `refs/heads/${pull.head}`))?.sha ?? pull.headSha) : pull.headSha;
  const baseSha = pull.state === 'open' ? ((await readRef(handle.gitDir, `refs/heads/${pull.base}`))?.sha ?? pull.baseSha) : pull.baseSha;
  const mb = await runGit(handle.gitDir, ['merge-base', baseSha, headSha], { okCodes: [1] });
  if (mb.code === 0) {
    const { files, total } = await diffFiles(handle.gitDir, mb.stdout.toString('utf8').trim(), headSha, Number.MAX_SAFE_INTEGER);
    stats = {
      headSha,
      baseSha,
      commits: Number(await gitText(handle.gitDir, ['rev-list', '--count', `${baseSha}..${headSha}`])),
      additions: files.reduce((n, f) => n + f.additions, 0),
      deletions: files.reduce((n, f) => n + f.deletions, 0),
      changedFiles: total,
      mergeable: pull.state === 'open' ? (await mergeTree(handle.gitDir, baseSha, headSha)) !== null : null,
    };
  }
  return pullShape(ctx.core.urls, handle, facts, pull, stats);
}
