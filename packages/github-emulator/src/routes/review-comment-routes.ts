import type { Context } from '../http/context.js';
import { HttpError, validationFailed } from '../http/http-error.js';
import { directionParam, sortBy, timeParam } from '../http/list-params.js';
import { paginate } from '../http/paginate.js';
import type { Router } from '../http/router.js';
import { reviewCommentShape } from '../shapes/comment.js';
import { nextObjectId, type RepoHandle } from '../state/repo-store.js';
import { timestamp } from '../state/timestamp.js';
import type { ReviewCommentRecord } from '../types.js';
import { renderPull } from './pull-routes.js';

const DOCS = 'https://docs.github.com/rest/pulls/comments';

/**
 * Pull request review comments: list per repository with `since`, list per pull request, create,
 * get, delete. Changes deliver `pull_request_review_comment`:
 * https://docs.github.com/webhooks/webhook-events-and-payloads#pull_request_review_comment
 * Register before the pull routes: `/pulls/comments` would otherwise match `/pulls/{pull_number}`.
 */
export function reviewCommentRoutes(router: Router): void {
  router.add('GET', '/repos/{owner}/{repo}/pulls/comments', `${DOCS}#list-review-comments-in-a-repository`, async (ctx: Context) => {
    const handle = await ctx.core.repo(ctx);
    const page = paginate(ctx, listed(ctx, handle.info.reviewComments));
    return { status: 200, json: page.items.map((c) => reviewCommentShape(ctx.core.urls, handle, c)), headers: page.headers };
  });

  router.add('GET', '/repos/{owner}/{repo}/pulls/comments/{comment_id}', `${DOCS}#get-a-review-comment-for-a-pull-request`, async (ctx: Context) => {
    const handle = await ctx.core.repo(ctx);
    return { status: 200, json: reviewCommentShape(ctx.core.urls, handle, findComment(ctx, handle)) };
  });

  router.add('DELETE', '/repos/{owner}/{repo}/pulls/comments/{comment_id}', `${DOCS}#delete-a-review-comment-for-a-pull-request`, async (ctx: Context) => {
    const handle = await ctx.core.repo(ctx, { write: true });
    const comment = findComment(ctx, handle);
    await ctx.core.store.withLock(handle, async () => {
      handle.info.reviewComments = handle.info.reviewComments.filter((c) => c !== comment);
      await ctx.core.store.save(handle);
    });
    await announce(ctx, handle, comment, 'deleted');
    return { status: 204 };
  });

  router.add('GET', '/repos/{owner}/{repo}/pulls/{pull_number}/comments', `${DOCS}#list-review-comments-on-a-pull-request`, async (ctx: Context) => {
    const handle = await ctx.core.repo(ctx);
    const number = findPullNumber(ctx, handle);
    const page = paginate(ctx, listed(ctx, handle.info.reviewComments.filter((c) => c.pullNumber === number)));
    return { status: 200, json: page.items.map((c) => reviewCommentShape(ctx.core.urls, handle, c)), headers: page.headers };
  });

  router.add('POST', '/repos/{owner}/{repo}/pulls/{pull_number}/comments', `${DOCS}#create-a-review-comment-for-a-pull-request`, async (ctx: Context) => {
    const handle = await ctx.core.repo(ctx, { write: true });
    const number = findPullNumber(ctx, handle);
    const body = (ctx.body ?? {}) as { body?: unknown; commit_id?: unknown; path?: unknown; line?: unknown };
    if (typeof body.body !== 'string' || body.body === '') throw validationFailed('PullRequestReviewComment', 'body', 'missing_field', ctx.docs);
    if (typeof body.commit_id !== 'string' || !/^[0-9a-f]{40}$/.test(body.commit_id)) throw validationFailed('PullRequestReviewComment', 'commit_id', 'invalid', ctx.docs);
    if (typeof body.path !== 'string' || body.path === '') throw validationFailed('PullRequestReviewComment', 'path', 'missing_field', ctx.docs);
    if (typeof body.line !== 'number' || !Number.isInteger(body.line) || body.line < 1) throw validationFailed('PullRequestReviewComment', 'line', 'invalid', ctx.docs);
    const comment = await ctx.core.store.withLock(handle, async () => {
      const now = timestamp();
      const created: ReviewCommentRecord = {
        id: nextObjectId(handle, 'review-comment'),
        pullNumber: number,
        body: body.body as string,
        path: body.path as string,
        line: body.line as number,
        commitId: body.commit_id as string,
        user: ctx.core.actor(ctx.identity, handle),
        createdAt: now,
        updatedAt: now,
      };
      handle.info.reviewComments.push(created);
      await ctx.core.store.save(handle);
      return created;
    });
    await announce(ctx, handle, comment, 'created');
    const json = reviewCommentShape(ctx.core.urls, handle, comment);
    return { status: 201, json, headers: { location: json.url } };
  });
}

function listed(ctx: Context, comments: ReviewCommentRecord[]): ReviewCommentRecord[] {
  const since = timeParam(ctx, 'since', 'PullRequestReviewComment');
  const recent = comments.filter((c) => since === null || Date.parse(c.updatedAt) >= since);
  return sortBy(recent, ctx.query.get('sort') ?? 'id', directionParam(ctx, 'asc'), (c) => comments.indexOf(c));
}

function findPullNumber(ctx: Context, handle: RepoHandle): number {
  const number = Number(ctx.params.pull_number);
  if (!handle.info.pulls.some((p) => p.number === number)) throw new HttpError(404, 'Not Found', { documentation_url: ctx.docs });
  return number;
}

function findComment(ctx: Context, handle: RepoHandle): ReviewCommentRecord {
  const comment = handle.info.reviewComments.find((c) => c.id === Number(ctx.params.comment_id));
  if (!comment) throw new HttpError(404, 'Not Found', { documentation_url: ctx.docs });
  return comment;
}

async function announce(ctx: Context, handle: RepoHandle, comment: ReviewCommentRecord, action: string): Promise<void> {
  const pull = handle.info.pulls.find((p) => p.number === comment.pullNumber);
  if (!pull) return;
  await ctx.core.announce(handle, 'pull_request_review_comment', ctx.core.actor(ctx.identity, handle), {
    action,
    comment: reviewCommentShape(ctx.core.urls, handle, comment),
    pull_request: await renderPull(ctx, handle, pull),
  });
}
