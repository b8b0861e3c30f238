import { createHmac, randomUUID } from 'node:crypto';
import { Octokit } from '@octokit/rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetadataSyncResult } from '../../src/shared/metadata-sync.js';
import { startMetadataSync } from '../../src/temporal/metadata-sync.js';
import type { IssueDetail } from '../support/api-answers.js';
import { appliedOutcome } from '../support/applied-delivery.js';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';

const SECRET = 'metadata-webhook-secret';
let h: SyncHarness;
let octokit: Octokit;
let projectId: string;
const repo = { owner: 'octo', repo: 'hooked' };

const sign = (secret: string, body: string) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
/** Delivers through the route and, once it is answered 202 (queued), waits for the inbox to apply it: `applied` is its outcome. */
async function deliver(event: string, payload: unknown, { secret = SECRET, delivery = randomUUID() } = {}) {
  const body = JSON.stringify(payload);
  const response = await h.app.inject({ method: 'POST', url: '/api/webhooks/github', headers: { 'content-type': 'application/json', 'x-github-event': event, 'x-github-delivery': delivery, 'x-hub-signature-256': sign(secret, body) }, payload: body });
  return Object.assign(response, { applied: response.statusCode === 202 ? await appliedOutcome(h.db, delivery) : undefined });
}

/** The payload the emulator sent (to a hook nobody listens on) for an event and action. */
async function emitted(event: string, action: string, match: (payload: Record<string, unknown>) => boolean) {
  return (await h.github.webhooks.waitFor((d) => d.event === event && d.action === action && match(d.payload))).payload;
}
const issueNumber = (n: number) => (p: Record<string, unknown>) => (p.issue as { number: number }).number === n;

beforeAll(async () => {
  h = await startSyncHarness({ env: { GITHUB_WEBHOOK_SECRET: SECRET } });
  octokit = new Octokit({ baseUrl: h.github.url, auth: h.github.token });
  await h.github.repos.create('octo', 'hooked');
  await h.github.repos.commit('octo', 'hooked', { message: 'initial', files: { 'a.txt': 'a\n' } });
  await octokit.repos.createWebhook({ ...repo, config: { url: 'http://127.0.0.1:9/nobody', content_type: 'json' }, events: ['issues', 'issue_comment', 'push'] });
  projectId = (await h.link(repo.owner, repo.repo)).id;
});
afterAll(() => h.close());

const issueRow = () => h.db.selectFrom('issues').selectAll().where('project_id', '=', projectId).where('number', '=', 1).executeTakeFirst();
const commentRows = () => h.db.selectFrom('comments').selectAll().where('project_id', '=', projectId).execute();

describe('metadata webhooks', () => {
  it('stores an opened issue at once, and an edit that arrives by webhook and by poll ends identical', async () => {
    await octokit.issues.create({ ...repo, title: 'Opened', body: 'first words' });
    expect((await deliver('issues', await emitted('issues', 'opened', issueNumber(1)))).statusCode).toBe(202);
    expect((await issueRow())?.title).toBe('Opened');

    await octokit.issues.update({ ...repo, issue_number: 1, title: 'Edited title', body: 'new words' });
    expect((await deliver('issues', await emitted('issues', 'edited', issueNumber(1)))).statusCode).toBe(202);
    const api = (await h.app.inject({ method: 'GET', url: `/api/projects/${projectId}/issues/1`, headers: h.auth() })).json<IssueDetail>();
    expect(api.issue).toMatchObject({ title: 'Edited title', body: 'new words' });
    const byWebhook = await issueRow();

    const { workflowId } = await startMetadataSync(h.temporal, h.config, projectId);
    (await h.temporal.workflow.getHandle(workflowId).result()) as MetadataSyncResult;
    expect(await issueRow()).toEqual(byWebhook);
    expect(await h.db.selectFrom('issues').select('number').where('project_id', '=', projectId).execute()).toHaveLength(1);
  });

  it('stores a redelivered issue_comment once, and removes it when GitHub says it was deleted', async () => {
    const { data: comment } = await octokit.issues.createComment({ ...repo, issue_number: 1, body: 'me too' });
    const payload = await emitted('issue_comment', 'created', (p) => (p.comment as { id: number }).id === comment.id);
    const delivery = randomUUID();
    expect((await deliver('issue_comment', payload, { delivery })).statusCode).toBe(202);
    const again = await deliver('issue_comment', payload, { delivery });
    expect(again.json()).toMatchObject({ outcome: 'duplicate' });
    // The same event under a new delivery id (GitHub's redelivery of a lost answer) is upserted, not duplicated.
    expect((await deliver('issue_comment', payload)).statusCode).toBe(202);
    expect((await commentRows()).filter((c) => c.github_id === comment.id)).toHaveLength(1);

    await octokit.issues.deleteComment({ ...repo, comment_id: comment.id });
    await deliver('issue_comment', await emitted('issue_comment', 'deleted', (p) => (p.comment as { id: number }).id === comment.id));
    expect((await commentRows()).filter((c) => c.github_id === comment.id)).toHaveLength(0);
  });

  it('changes nothing for a forged event or a payload that fails validation', async () => {
    const before = await issueRow();
    const payload = await emitted('issues', 'edited', issueNumber(1));
    const forged = { ...payload, issue: { ...(payload.issue as object), title: 'Forged', updated_at: '2999-01-01T00:00:00Z' } };
    expect((await deliver('issues', forged, { secret: 'not the secret' })).statusCode).toBe(401);
    const invalid = { ...payload, issue: { ...(payload.issue as object), number: -1, title: 'Invalid', updated_at: '2999-01-01T00:00:00Z' } };
    expect((await deliver('issues', invalid)).applied).toBe('rejected-invalid-payload');
    expect(await issueRow()).toEqual(before);
  });

  it('moves the stored branch from a push at once and stores its commits by the walk the push starts', async () => {
    const { sha, before } = await h.github.repos.commit('octo', 'hooked', { message: 'pushed', files: { 'p.txt': 'p\n' } });
    const payload = (await h.github.webhooks.waitFor((d) => d.event === 'push' && (d.payload as { after?: string }).after === sha)).payload;
    expect(payload).toMatchObject({ before, after: sha });
    const response = await deliver('push', payload);
    expect(response.statusCode).toBe(202);
    const main = () => h.db.selectFrom('refs').select('sha').where('project_id', '=', projectId).where('kind', '=', 'branch').where('name', '=', 'main').executeTakeFirst();
    const commit = () => h.db.selectFrom('commits').select(['sha', 'message', 'parents']).where('project_id', '=', projectId).where('sha', '=', sha).executeTakeFirst();
    const deadline = Date.now() + 30_000;
    while (!((await main())?.sha === sha && (await commit())) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await main()).toEqual({ sha });
    expect(await commit()).toEqual({ sha, message: 'pushed', parents: [before] });
  });

  it('reconciles a created tag, which its payload cannot describe, by running the metadata sync', async () => {
    const { data: head } = await octokit.git.getRef({ ...repo, ref: 'heads/main' });
    await octokit.git.createRef({ ...repo, ref: 'refs/tags/v9', sha: head.object.sha });
    const created = await deliver('create', { ref: 'v9', ref_type: 'tag', master_branch: 'main', repository: { name: 'hooked', full_name: 'octo/hooked', owner: { login: 'octo' } } });
    expect(created.applied).toBe('tag-ref-reconciled');
    const tag = () => h.db.selectFrom('refs').select(['sha', 'kind']).where('project_id', '=', projectId).where('name', '=', 'v9').executeTakeFirst();
    const deadline = Date.now() + 30_000;
    while (!(await tag()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await tag()).toEqual({ sha: head.object.sha, kind: 'tag' });
  });
});
