import { Octokit } from '@octokit/rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetadataSyncResult } from '../../src/shared/metadata-sync.js';
import type { ErrorAnswer, IssueDetail, IssuePage, MetadataStatus, MetadataSyncAccepted, RefPage } from '../support/api-answers.js';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';

let h: SyncHarness;
let projectId: string;

beforeAll(async () => {
  h = await startSyncHarness();
  const octokit = new Octokit({ baseUrl: h.github.url, auth: h.github.token });
  const repo = { owner: 'octo', repo: 'api-meta' };
  await h.github.repos.create('octo', 'api-meta');
  await h.github.repos.commit('octo', 'api-meta', { message: 'initial', files: { 'a.txt': 'a\n' } });
  for (let i = 1; i <= 5; i++) await octokit.issues.create({ ...repo, title: `Issue ${i}`, labels: i % 2 === 0 ? ['even'] : [] });
  await octokit.issues.update({ ...repo, issue_number: 5, state: 'closed' });
  await octokit.issues.createComment({ ...repo, issue_number: 2, body: 'first' });
  await octokit.issues.createComment({ ...repo, issue_number: 2, body: 'second' });
  projectId = (await h.link('octo', 'api-meta')).id;
  const started = await h.app.inject({ method: 'POST', url: `/api/projects/${projectId}/metadata/sync`, headers: h.auth() });
  expect(started.statusCode).toBe(202);
  await h.temporal.workflow.getHandle(started.json<MetadataSyncAccepted>().workflowId).result() as MetadataSyncResult;
});
afterAll(() => h.close());

const get = (url: string, key?: string) => h.app.inject({ method: 'GET', url, headers: h.auth(key) });

describe('metadata API', () => {
  it('pages issues newest first with a cursor, filtered by state and label', async () => {
    const first = (await get(`/api/projects/${projectId}/issues?limit=2`)).json<IssuePage>();
    expect(first.issues.map((i) => i.number)).toEqual([5, 4]);
    const second = (await get(`/api/projects/${projectId}/issues?limit=2&cursor=${first.nextCursor}`)).json<IssuePage>();
    expect(second.issues.map((i) => i.number)).toEqual([3, 2]);
    const even = (await get(`/api/projects/${projectId}/issues?label=even&state=open`)).json<IssuePage>();
    expect(even.issues.map((i) => i.number)).toEqual([4, 2]);
    const closed = (await get(`/api/projects/${projectId}/issues?state=closed`)).json<IssuePage>();
    expect(closed.issues.map((i) => i.number)).toEqual([5]);
  });

  it('shows one issue with its comments in order', async () => {
    const detail = (await get(`/api/projects/${projectId}/issues/2`)).json<IssueDetail>();
    expect(detail.issue).toMatchObject({ title: 'Issue 2', comments: 2 });
    expect(detail.comments.map((c) => c.body)).toEqual(['first', 'second']);
    expect((await get(`/api/projects/${projectId}/issues/99`)).statusCode).toBe(404);
  });

  it('answers a bad query parameter with 400 naming it', async () => {
    for (const [query, name] of [['since=yesterday', 'since'], ['state=shut', 'state'], ['cursor=abc', 'cursor'], ['cursor=586477819790217', 'cursor'], ['limit=0', 'limit']]) {
      const res = await get(`/api/projects/${projectId}/issues?${query}`);
      expect(res.statusCode).toBe(400);
      expect(res.json<ErrorAnswer>().message).toContain(name);
    }
  });

  it('lists refs and reports each phase’s state and the derived counts', async () => {
    const refs = (await get(`/api/projects/${projectId}/refs`)).json<RefPage>();
    expect(refs.refs.map((r) => `${r.kind}:${r.name}`)).toEqual(['branch:main']);
    const status = (await get(`/api/projects/${projectId}/metadata`)).json<MetadataStatus>();
    expect(status.counts).toEqual({ openIssues: 4, closedIssues: 1, openPullRequests: 0, closedPullRequests: 0, mergedPullRequests: 0 });
    expect(status.phases.find((p) => p.phase === 'issues')?.lastSuccessAt).not.toBeNull();
  });

  it('never shows another tenant’s rows', async () => {
    for (const path of ['issues', 'issues/2', 'refs', 'metadata']) expect((await get(`/api/projects/${projectId}/${path}`, h.otherKey)).statusCode).toBe(404);
  });
});
