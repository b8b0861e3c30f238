import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';

const APP_ID = 4242;
let h: SyncHarness;
beforeAll(async () => {
  h = await startSyncHarness({
    apps: [{ appId: APP_ID }],
    env: (github) => ({ GITHUB_APP_ID: String(APP_ID), GITHUB_APP_PRIVATE_KEY: github.apps.privateKey(APP_ID) }),
  });
});
afterAll(() => h.close());

describe('InitialSync with a GitHub App installation', () => {
  it('mints an installation token, caches it, and replaces it when GitHub rejects it', async () => {
    await h.github.repos.create('acme', 'private-docs', { private: true });
    const { sha } = await h.github.repos.commit('acme', 'private-docs', { message: 'x', files: { 'guide.md': '# Guide\n' } });
    const installationId = await h.github.apps.install(APP_ID, 'acme', ['acme/private-docs']);
    const created = await h.app.inject({ method: 'POST', url: '/api/projects', headers: h.auth(), payload: { owner: 'acme', repo: 'private-docs', installationId } });
    expect(created.statusCode).toBe(201);
    const { id } = created.json();
    const mints = () => h.github.requests.entries.filter((entry) => entry.route === 'POST /app/installations/{installation_id}/access_tokens' && entry.status === 201).length;

    expect(await h.initialSync(id)).toMatchObject({ status: 'synced', lastSyncedCommitSha: sha });
    expect(mints()).toBe(1);

    // A second sync within the token's life reuses it.
    expect((await h.initialSync(id)).status).toBe('synced');
    expect(mints()).toBe(1);

    // GitHub revokes it (401): the client mints a new one and the sync carries on.
    await h.github.apps.expireTokens();
    const next = await h.github.repos.commit('acme', 'private-docs', { message: 'y', files: { 'guide.md': '# Guide v2\n' } });
    expect(await h.initialSync(id)).toMatchObject({ status: 'synced', lastSyncedCommitSha: next.sha });
    expect(mints()).toBe(2);
    const content = await h.app.inject({ method: 'GET', url: `/api/projects/${id}/files/guide.md`, headers: h.auth() });
    expect(content.body).toBe('# Guide v2\n');
  }, 90_000);

  it('reports a repository the installation cannot see as not-found', async () => {
    await h.github.repos.create('acme', 'hidden', { private: true });
    await h.github.repos.commit('acme', 'hidden', { message: 'x', files: { 'a.md': 'a' } });
    const installationId = await h.github.apps.install(APP_ID, 'acme', ['acme/private-docs']);
    const { id } = (await h.app.inject({ method: 'POST', url: '/api/projects', headers: h.auth(), payload: { owner: 'acme', repo: 'hidden', installationId } })).json();
    expect((await h.initialSync(id)).error?.code).toBe('not-found');
  }, 60_000);
});
