import type { Context } from '../http/context.js';
import { HttpError, validationFailed } from '../http/http-error.js';
import { directionParam, sortBy, timeParam } from '../http/list-params.js';
import { paginate } from '../http/paginate.js';
import type { Router } from '../http/router.js';
import { issueShape, pullAsIssue } from '../shapes/issue.js';
import { stableId, type RepoHandle } from '../state/repo-store.js';
import { timestamp } from '../state/timestamp.js';
import type { IssueRecord, PullRecord } from '../types.js';

const DOCS = 'https://docs.github.com/rest/issues/issues';

type IssueView = IssueRecord & { pull?: PullRecord };

/**
 * Issues: create, get, list (pull requests included, as GitHub lists them), update. Changes
 * made here deliver the `issues` event: https://docs.github.com/webhooks/webhook-events-and-payloads#issues
 */
export function issueRoutes(router: Router): void {
  router.add('GET', '/repos/{owner}/{repo}/issues', `${DOCS}#list-repository-issues`, async (ctx: Context) => {
    const handle = await ctx.core.repo(ctx);
    const state = ctx.query.get('state') ?? 'open';
    if (!['open', 'closed', 'all'].includes(state)) throw validationFailed('Issue', 'state', 'invalid', ctx.docs);
    const since = timeParam(ctx, 'since', 'Issue');
    const labels = (ctx.query.get('labels') ?? '').split(',').filter(Boolean).map((l) => l.toLowerCase());
    const matching = allIssues(handle).filter(
      (i) =>
        (state === 'all' || i.state === state) &&
        (since === null || Date.parse(i.updatedAt) >= since) &&
        labels.every((l) => i.labels.some((have) => have.toLowerCase() === l)),
    );
    const sorted = sortBy(matching, ctx.query.get('sort') ?? 'created', directionParam(ctx, 'desc'), (i) => i.number);
    const page = paginate(ctx, sorted);
    return { status: 200, json: page.items.map((i) => render(ctx, handle, i)), headers: page.headers };
  });

  router.add('GET', '/repos/{owner}/{repo}/issues/{issue_number}', `${DOCS}#get-an-issue`, async (ctx: Context) => {
    const handle = await ctx.core.repo(ctx);
    return { status: 200, json: render(ctx, handle, findIssue(ctx, handle)) };
  });

  router.add('POST', '/repos/{owner}/{repo}/issues', `${DOCS}#create-an-issue`, async (ctx: Context) => {
    const handle = await ctx.core.repo(ctx, { write: true });
    const body = (ctx.body ?? {}) as Record<string, unknown>;
    if (typeof body.title !== 'string' || body.title === '') throw validationFailed('Issue', 'title', 'missing_field', ctx.docs);
    const labels = stringList(ctx, body.labels, 'labels') ?? [];
    const assignees = stringList(ctx, body.assignees, 'assignees') ?? [];
    if (body.body !== undefined && body.body !== null && typeof body.body !== 'string') throw validationFailed('Issue', 'body', 'invalid', ctx.docs);
    const actor = ctx.core.actor(ctx.identity, handle);
    const issue = await ctx.core.store.withLock(handle, async () => {
      const now = timestamp();
      const number = handle.info.nextPullNumber++;
      const created: IssueRecord = {
        number,
        id: stableId(`issue:${handle.info.id}:${number}`),
        title: body.title as string,
        body: typeof body.body === 'string' ? body.body : null,
        state: 'open',
        stateReason: null,
        labels,
        assignees,
        user: actor,
        createdAt: now,
        updatedAt: now,
        closedAt: null,
      };
      handle.info.issues.push(created);
      await ctx.core.store.save(handle);
      return created;
    });
    const json = render(ctx, handle, issue);
    await ctx.core.announce(handle, 'issues', actor, { action: 'opened', issue: json });
    return { status: 201, json, headers: { location: json.url } };
  });

  router.add('PATCH', '/repos/{owner}/{repo}/issues/{issue_number}', `${DOCS}#update-an-issue`, async (ctx: Context) => {
    const handle = await ctx.core.repo(ctx, { write: true });
    const found = findIssue(ctx, handle);
    if (found.pull) throw new HttpError(422, 'Pull requests are edited through the pulls API in this emulator', { documentation_url: ctx.docs });
    const issue = found as IssueRecord;
    const body = (ctx.body ?? {}) as Record<string, unknown>;
    if (body.title !== undefined && (typeof body.title !== 'string' || body.title === '')) throw validationFailed('Issue', 'title', 'invalid', ctx.docs);
    if (body.body !== undefined && body.body !== null && typeof body.body !== 'string') throw validationFailed('Issue', 'body', 'invalid', ctx.docs);
    if (body.state !== undefined && body.state !== 'open' && body.state !== 'closed') throw validationFailed('Issue', 'state', 'invalid', ctx.docs);
    const labels = stringList(ctx, body.labels, 'labels');
    const assignees = stringList(ctx, body.assignees, 'assignees');
    const actor = ctx.core.actor(ctx.identity, handle);
    const changes: Record<string, { from: unknown }> = {};
    const stateBefore = issue.state;
    await ctx.core.store.withLock(handle, async () => {
      const now = timestamp();
      if (typeof body.title === 'string' && body.title !== issue.title) {
        changes.title = { from: issue.title };
        issue.title = body.title;
      }
      if (body.body !== undefined && body.body !== issue.body) {
        changes.body = { from: issue.body ?? '' };
        issue.body = body.body as string | null;
      }
      if (labels) issue.labels = labels;
      if (assignees) issue.assignees = assignees;
      if (body.state === 'closed' && issue.state === 'open') Object.assign(issue, { state: 'closed', stateReason: body.state_reason === 'not_planned' ? 'not_planned' : 'completed', closedAt: now });
      if (body.state === 'open' && issue.state === 'closed') Object.assign(issue, { state: 'open', stateReason: 'reopened', closedAt: null });
      issue.updatedAt = now;
      await ctx.core.store.save(handle);
    });
    const json = render(ctx, handle, issue);
    if (issue.state !== stateBefore) await ctx.core.announce(handle, 'issues', actor, { action: issue.state === 'closed' ? 'closed' : 'reopened', issue: json });
    if (Object.keys(changes).length > 0) await ctx.core.announce(handle, 'issues', actor, { action: 'edited', changes, issue: json });
    return { status: 200, json };
  });
}

/** Issues and pull requests in one list, as the issues API returns them. */
export function allIssues(handle: RepoHandle): IssueView[] {
  return [...handle.info.issues, ...handle.info.pulls.map((p) => pullAsIssue(handle, p))];
}

export function findIssue(ctx: Context, handle: RepoHandle): IssueView {
  const number = Number(ctx.params.issue_number);
  const issue = allIssues(handle).find((i) => i.number === number);
  if (!issue) throw new HttpError(404, 'Not Found', { documentation_url: ctx.docs });
  return issue;
}

export function render(ctx: Context, handle: RepoHandle, issue: IssueView) {
  const comments = handle.info.issueComments.filter((c) => c.issueNumber === issue.number).length;
  return issueShape(ctx.core.urls, handle, issue, comments);
}

function stringList(ctx: Context, value: unknown, field: string): string[] | null {
  if (value === undefined) return null;
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw validationFailed('Issue', field, 'invalid', ctx.docs);
  return value as string[];
}
