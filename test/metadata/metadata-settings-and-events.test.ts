import { Octokit } from '@octokit/rest';
import { readServerSentEvents, type ServerSentEvent } from '@reposync/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issuesRepository, type IssueInput } from '../../src/db/repositories/issues.js';
import type { MetadataSyncResult } from '../../src/shared/metadata-sync.js';
import { startMetadataSync } from '../../src/temporal/metadata-sync.js';
import type { ErrorAnswer, Project, ProjectView } from '../support/api-answers.js';
import { startApiHarness } from '../support/api-harness.js';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';

let h: SyncHarness;
let octokit: Octokit;
let apiUrl: string;

beforeAll(async () => {
  h = await startSyncHarness();
  octokit = new Octokit({ baseUrl: h.github.url, auth: h.github.token });
  apiUrl = await h.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(() => h.close());

async function repository(name: string): Promise<void> {
  await h.github.repos.create('octo', name);
  await h.github.repos.commit('octo', name, { message: 'initial', files: { 'a.txt': 'a\n' } });
}

const linkRequest = (repo: string, body: Record<string, unknown>) =>
  h.app.inject({ method: 'POST', url: '/api/projects', headers: h.auth(), payload: { owner: 'octo', repo, token: h.github.token, ...body } });
const patch = (id: string, payload: Record<string, unknown>) => h.app.inject({ method: 'PATCH', url: `/api/projects/${id}`, headers: h.auth(), payload });
const view = async (id: string) => (await h.app.inject({ method: 'GET', url: `/api/projects/${id}`, headers: h.auth() })).json<ProjectView>();

async function runMetadataSync(projectId: string): Promise<MetadataSyncResult> {
  const { workflowId } = await startMetadataSync(h.temporal, h.config, projectId);
  return h.temporal.workflow.getHandle(workflowId).result() as Promise<MetadataSyncResult>;
}

const issueCount = async (projectId: string) =>
  Number((await h.db.selectFrom('issues').select((eb) => eb.fn.countAll().as('n')).where('project_id', '=', projectId).executeTakeFirstOrThrow()).n);

describe('the metadata setting through the API', () => {
  it('links a project with a metadata setting and shows it in the project view', async () => {
    await repository('settings-link');
    const linked = await linkRequest('settings-link', { metadata: { releases: false, commits: true } });
    expect(linked.statusCode).toBe(201);
    const { id, metadata } = linked.json<Project>();
    expect(metadata).toEqual({ releases: false, commits: true });
    expect((await view(id)).metadata).toEqual({ releases: false, commits: true });
  });

  it('shows every part on for a project linked without a setting', async () => {
    await repository('settings-default');
    const { id } = await h.link('octo', 'settings-default');
    expect((await view(id)).metadata).toEqual({});
  });

  it('switches one part with PATCH and leaves the others as they were', async () => {
    await repository('settings-patch');
    const { id } = await h.link('octo', 'settings-patch', { metadata: { comments: false } });
    const off = await patch(id, { metadata: { issues: false } });
    expect(off.statusCode).toBe(200);
    expect(off.json<Project>().metadata).toEqual({ comments: false, issues: false });
    const on = await patch(id, { metadata: { issues: true } });
    expect(on.json<Project>().metadata).toEqual({ comments: false, issues: true });
    expect((await view(id)).metadata).toEqual({ comments: false, issues: true });
    // A PATCH of something else leaves the setting alone.
    await patch(id, { enabled: false });
    expect((await view(id)).metadata).toEqual({ comments: false, issues: true });
  });

  it('answers a non-boolean part or an unknown part with 400 naming it, and changes nothing', async () => {
    await repository('settings-invalid');
    const { id } = await h.link('octo', 'settings-invalid', { metadata: { refs: false } });
    for (const [metadata, named] of [
      [{ issues: 'no' }, 'issues'],
      [{ wikis: false }, 'wikis'],
    ] as const) {
      const patched = await patch(id, { metadata });
      expect(patched.statusCode).toBe(400);
      expect(patched.json<ErrorAnswer>().message).toContain(named);
      const linked = await linkRequest('settings-invalid-link', { metadata });
      expect(linked.statusCode).toBe(400);
      expect(linked.json<ErrorAnswer>().message).toContain(named);
    }
    expect((await view(id)).metadata).toEqual({ refs: false });
  });

  it('skips a switched-off part in the metadata sync and keeps its rows', async () => {
    await repository('settings-sync');
    const repo = { owner: 'octo', repo: 'settings-sync' };
    await octokit.issues.create({ ...repo, title: 'First' });
    await octokit.repos.createRelease({ ...repo, tag_name: 'v1', name: 'One' });
    const { id } = await h.link(repo.owner, repo.repo);
    await runMetadataSync(id);
    expect(await issueCount(id)).toBe(1);

    expect((await patch(id, { metadata: { issues: false } })).statusCode).toBe(200);
    await octokit.issues.create({ ...repo, title: 'Second' });
    await octokit.repos.createRelease({ ...repo, tag_name: 'v2', name: 'Two' });
    const result = await runMetadataSync(id);
    const issues = result.phases.find((p) => p.phase === 'issues');
    expect(issues).toMatchObject({ skipped: true, requests: 0 });
    expect(result.phases.find((p) => p.phase === 'releases')).toMatchObject({ skipped: false });
    // The rows already stored stay; the issue opened while the part was off is not fetched.
    expect(await issueCount(id)).toBe(1);
    const releases = await h.db.selectFrom('releases').select('tag_name').where('project_id', '=', id).orderBy('tag_name').execute();
    expect(releases.map((r) => r.tag_name)).toEqual(['v1', 'v2']);
  });
});

/** An open event stream read event by event; `close` ends it from the client's side. */
async function openEvents(projectId: string) {
  const abort = new AbortController();
  const response = await fetch(`${apiUrl}/api/projects/${projectId}/events`, { headers: h.auth(), signal: abort.signal });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('text/event-stream');
  const events = readServerSentEvents(response.body!);
  return {
    async next(): Promise<ServerSentEvent> {
      const { value, done } = await events.next();
      if (done) throw new Error('the event stream ended');
      return value;
    },
    close: () => abort.abort(),
  };
}

function issue(number: number, title: string, updatedAt: Date): IssueInput {
  return {
    number,
    github_id: 9_000_000_000 + number,
    is_pull_request: false,
    state: 'open',
    state_reason: null,
    title,
    body: null,
    labels: '[]',
    assignees: '[]',
    milestone: null,
    author_login: 'octocat',
    created_at: new Date('2026-11-01T00:00:00Z'),
    updated_at: updatedAt,
    closed_at: null,
  };
}

describe('GET /api/projects/:id/events', () => {
  it('opens with the counts, then names issues each time an issue row is inserted or updated', async () => {
    await repository('events');
    const { id } = await h.link('octo', 'events');
    const stream = await openEvents(id);
    try {
      const ready = await stream.next();
      expect(ready.event).toBe('ready');
      expect(JSON.parse(ready.data)).toMatchObject({
        counts: { refs: 0, commits: 0, issues: 0, pullRequests: 0, comments: 0, releases: 0 },
        sync: { status: 'idle' },
        at: expect.any(String),
      });

      await issuesRepository(h.db).upsert(id, [issue(1, 'Inserted', new Date('2026-11-02T00:00:00Z'))]);
      const inserted = await stream.next();
      expect(inserted.event).toBe('changed');
      expect(JSON.parse(inserted.data)).toEqual({ kinds: ['issues'], at: expect.any(String) });

      await issuesRepository(h.db).upsert(id, [issue(1, 'Updated', new Date('2026-11-03T00:00:00Z'))]);
      const updated = await stream.next();
      expect(updated.event).toBe('changed');
      expect(JSON.parse(updated.data).kinds).toEqual(['issues']);
    } finally {
      stream.close();
    }
  }, 30_000);

  it('names sync when the project’s sync state changes', async () => {
    await repository('events-sync');
    const { id } = await h.link('octo', 'events-sync');
    const stream = await openEvents(id);
    try {
      expect((await stream.next()).event).toBe('ready');
      await h.db.updateTable('projects').set({ sync_status: 'pending' }).where('id', '=', id).execute();
      const changed = await stream.next();
      expect(JSON.parse(changed.data).kinds).toEqual(['sync']);
    } finally {
      stream.close();
    }
  }, 30_000);

  it('answers another tenant’s key with 404', async () => {
    await repository('events-tenant');
    const { id } = await h.link('octo', 'events-tenant');
    const response = await fetch(`${apiUrl}/api/projects/${id}/events`, { headers: h.auth(h.otherKey) });
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
  });
});

describe('the event stream at shutdown', () => {
  it('ends open streams when the server closes, so shutdown does not wait for their clients', async () => {
    const api = await startApiHarness();
    try {
      const linked = await api.app.inject({ method: 'POST', url: '/api/projects', headers: api.auth(), payload: { owner: 'octo', repo: 'shutdown' } });
      expect(linked.statusCode).toBe(201);
      const address = await api.app.listen({ port: 0, host: '127.0.0.1' });
      const response = await fetch(`${address}/api/projects/${linked.json<Project>().id}/events`, { headers: api.auth() });
      const events = readServerSentEvents(response.body!);
      expect((await events.next()).value?.event).toBe('ready');
      const closing = Date.now();
      await api.close();
      expect(Date.now() - closing).toBeLessThan(5_000);
      expect((await events.next()).done).toBe(true);
    } finally {
      await api.close().catch(() => {});
    }
  }, 30_000);
});
