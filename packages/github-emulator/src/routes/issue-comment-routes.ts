import type { Context } from '../http/context.js';
import { HttpError, validationFailed } from '../http/http-error.js';
import { directionParam, sortBy, timeParam } from '../http/list-params.js';
import { paginate } from '../http/paginate.js';
import type { Router } from '../http/router.js';
import { issueCommentShape } from '../shapes/comment.js';
import { nextObjectId, type RepoHandle } from '../state/repo-store.js';
import { timestamp } from '../state/timestamp.js';
import type { IssueCommentRecord } from '../types.js';
import { findIssue, render as renderIssue } from './issue-routes.js';

const DOCS = 'https://docs.github.com/rest/issues/comments';

/**
 * Issue comments (on issues and pull requests alike): list per repository with `since`, list per
 * issue, create, get, edit, delete. Changes deliver the `issue_comment` event:
 * https://docs.github.com/webhooks/webhook-events-and-payloads#issue_comment
 * Register before the issue routes: `/issues/comments` would otherwise match `/issues/{issue_number}`.
 */
export function issueCommentRoutes(router: Router): void {
  router.add('GET', '/repos/{owner}/{repo}/issues/comments', `${DOCS}#list-issue-comments-for-a-repository`, async (ctx: Context) => {
    const handle = await ctx.core.repo(ctx);
    const page = paginate(ctx, listed(ctx, handle.info.issueComments));
    return { status: 200, json: page.items.map((c) => issueCommentShape(ctx.core.urls, handle, c)), headers: page.headers };
  });

  router.add('GET', '/repos/{owner}/{repo}/issues/comments/{comment_id}', `${DOCS}#get-an-issue-comment`, async (ctx: Context) => {
    const handle = await ctx.core.repo(ctx);
    return { status: 200, json: issueCommentShape(ctx.core.urls, handle, findComment(ctx, handle)) };
  });

  router.add('PATCH', '/repos/{owner}/{repo}/issues/comments/{comment_id}', `${DOCS}#update-an-issue-comment`, async (ctx: Context) => {
    const handle = await ctx.core.repo(ctx, { write: true });
    const comment = findComment(ctx, handle);
    const body = commentBody(ctx);
    const from = comment.body;
    await ctx.core.store.withLock(handle, async () => {
      Object.assign(comment, { body, updatedAt: timestamp() });
      await ctx.core.store.save(handle);
    });
    const json = issueCommentShape(ctx.core.urls, handle, comment);
    await announce(ctx, handle, comment, 'edited', { changes: { body: { from } } });
    return { status: 200, json };
  });

  router.add('DELETE', '/repos/{owner}/{repo}/issues/comments/{comment_id}', `${DOCS}#delete-an-issue-comment`, async (ctx: Context) => {
    const handle = await ctx.core.repo(ctx, { write: true });
    const comment = findComment(ctx, handle);
    await ctx.core.store.withLock(handle, async () => {
      handle.info.issueComments = handle.info.issueComments.filter((c) => c !== comment);
      await ctx.core.store.save(handle);
    });
    await announce(ctx, handle, comment, 'deleted');
    return { status: 204 };
  });

  router.add('GET', '/repos/{owner}/{repo}/issues/{issue_number}/comments', `${DOCS}#list-issue-comments`, async (ctx: Context) => {
    const handle = await ctx.core.repo(ctx);
    const issue = findIssue(ctx, handle);
    const page = paginate(ctx, listed(ctx, handle.info.issueComments.filter((c) => c.issueNumber === issue.number)));
    return { status: 200, json: page.items.map((c) => issueCommentShape(ctx.core.urls, handle, c)), headers: page.headers };
  });

  router.add('POST', '/repos/{owner}/{repo}/issues/{issue_number}/comments', `${DOCS}#create-an-issue-comment`, async (ctx: Context) => {
    const handle = await ctx.core.repo(ctx, { write: true });
    const issue = findIssue(ctx, handle);
    const body = commentBody(ctx);
    const comment = await ctx.core.store.withLock(handle, async () => {
      const now = timestamp();
      const created: IssueCommentRecord = { id: nextObjectId(handle, 'issue-comment'), issueNumber: issue.number, body, user: ctx.core.actor(ctx.identity, handle), createdAt: now, updatedAt: now };
      handle.info.issueComments.push(created);
      // A new comment bumps the issue's `updated_at`, which is what `since` lists follow.
      (issue.pull ?? handle.info.issues.find((i) => i.number === issue.number) ?? issue).updatedAt = now;
      await ctx.core.store.save(handle);
      return created;
    });
    const json = issueCommentShape(ctx.core.urls, handle, comment);
    await announce(ctx, handle, comment, 'created');
    return { status: 201, json, headers: { location: json.url } };
  });
}

function listed(ctx: Context, comments: IssueCommentRecord[]): IssueCommentRecord[] {
  const since = timeParam(ctx, 'since', 'IssueComment');
  const recent = comments.filter((c) => since === null || Date.parse(c.updatedAt) >= since);
  return sortBy(recent, ctx.query.get('sort') ?? 'id', directionParam(ctx, 'asc'), (c) => comments.indexOf(c));
}


function findComment(ctx: Context, handle: RepoHandle): IssueCommentRecord {
  const comment = handle.info.issueComments.find((c) => c.id === Number(ctx.params.comment_id));
  if (!comment) throw new HttpError(404, 'Not Found', { documentation_url: ctx.docs });
  return comment;
}

function commentBody(ctx: Context): string {
  const body = (ctx.body ?? {}) as { body?: unknown };
  if (typeof body.body !== 'string' || body.body === '') throw validationFailed('IssueComment', 'body', 'missing_field', ctx.docs);
  return body.body;
}

async function announce(ctx: Context, handle: RepoHandle, comment: IssueCommentRecord, action: string, extra: Record<string, unknown> = {}): Promise<void> {
  const issue = handle.info.issues.find((i) => i.number === comment.issueNumber) ?? null;
  const view = issue ?? findIssue({ ...ctx, params: { ...ctx.params, issue_number: String(comment.issueNumber) } }, handle);
  await ctx.core.announce(handle, 'issue_comment', ctx.core.actor(ctx.identity, handle), {
    action,
    ...extra,
    issue: renderIssue(ctx, handle, view),
    comment: issueCommentShape(ctx.core.urls, handle, comment),
  });
}
