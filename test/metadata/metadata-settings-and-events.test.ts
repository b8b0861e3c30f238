import { Octokit } from '@octokit/rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetadataSyncResult } from '../../src/shared/metadata-sync.js';
import { startMetadataSync } from '../../src/temporal/metadata-sync.js';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';

let h: SyncHarness;
let octokit: Octokit;

beforeAll(async () => {
  h = await startSyncHarness();
  octokit = new Octokit({ baseUrl: h.github.url, auth: h.github.token });
});
afterAll(() => h.close());

async function repository(name: string): Promise<void> {
  await h.github.repos.create('octo', name);
  await h.github.repos.commit('octo', name, { message: 'initial', files: { 'a.txt': 'a\n' } });
}

const linkRequest = (repo: string, body: Record<string, unknown>) =>
  h.app.inject({ method: 'POST', url: '/api/projects', headers: h.auth(), payload: { owner: 'octo', repo, token: h.github.token, ...body } });
const patch = (id: string, payload: Record<string, unknown>) => h.app.inject({ method: 'PATCH', url: `/api/projects/${id}`, headers: h.auth(), payload });
const view = async (id: string) => (await h.app.inject({ method: 'GET', url: `/api/projects/${id}`, headers: h.auth() })).json<{ metadata: Record<string, boolean> }>();

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
    const { id, metadata } = linked.json<{ id: string; metadata: Record<string, boolean> }>();
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
    expect(off.json<{ metadata: Record<string, boolean> }>().metadata).toEqual({ comments: false, issues: false });
    const on = await patch(id, { metadata: { issues: true } });
    expect(on.json<{ metadata: Record<string, boolean> }>().metadata).toEqual({ comments: false, issues: true });
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
      expect(patched.json<{ message: string }>().message).toContain(named);
      const linked = await linkRequest('settings-invalid-link', { metadata });
      expect(linked.statusCode).toBe(400);
      expect(linked.json<{ message: string }>().message).toContain(named);
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
