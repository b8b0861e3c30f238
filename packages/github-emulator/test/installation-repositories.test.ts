import { App } from '@octokit/app';
import { Octokit } from '@octokit/rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { octokitFor, quiet, startHarness, type Harness } from './helpers.js';
import { validateResponse } from './openapi.js';

const APP_ID = 616;

describe('GET /installation/repositories', () => {
  let h: Harness;
  const names = ['delta', 'alpha', 'echo', 'charlie', 'bravo'];

  beforeAll(async () => {
    h = await startHarness({ apps: [{ appId: APP_ID }] });
    for (const name of names) await h.emulator.repos.create('fleet', name, { private: name === 'echo' });
    await h.emulator.repos.create('elsewhere', 'other');
  });
  afterAll(() => h.close());

  const tokenFor = (installationId: number) => h.emulator.apps.mintToken(installationId).token;
  const app = () => new App({ appId: APP_ID, privateKey: h.emulator.apps.privateKey(APP_ID), Octokit: Octokit.defaults({ baseUrl: h.emulator.url, log: quiet }) });

  it('lists every repository of the account, private ones included, for an installation on all of them', async () => {
    const installationId = h.emulator.apps.install(APP_ID, 'fleet');
    const res = await octokitFor(h.emulator, tokenFor(installationId)).request('GET /installation/repositories');
    expect(res.data.total_count).toBe(5);
    expect(res.data.repository_selection).toBe('all');
    expect(res.data.repositories.map((r) => r.full_name)).toEqual(['fleet/alpha', 'fleet/bravo', 'fleet/charlie', 'fleet/delta', 'fleet/echo']);
    expect(res.data.repositories.find((r) => r.name === 'echo')?.private).toBe(true);
    expect(validateResponse('GET', '/installation/repositories', 200, res.data)).toEqual({ ok: true });
    h.emulator.apps.uninstall(installationId);
  });

  it('pages with per_page, page and a Link header while total_count counts them all', async () => {
    const installationId = h.emulator.apps.install(APP_ID, 'fleet');
    const octokit = octokitFor(h.emulator, tokenFor(installationId));
    const first = await octokit.request('GET /installation/repositories', { per_page: 2 });
    expect(first.data.total_count).toBe(5);
    expect(first.data.repositories.map((r) => r.name)).toEqual(['alpha', 'bravo']);
    expect(first.headers.link).toMatch(/<[^>]*\/installation\/repositories\?[^>]*page=2[^>]*>; rel="next", <[^>]*page=3[^>]*>; rel="last"/);
    const last = await octokit.request('GET /installation/repositories', { per_page: 2, page: 3 });
    expect(last.data.repositories.map((r) => r.name)).toEqual(['echo']);
    expect(last.headers.link).toMatch(/rel="prev".*rel="first"/);
    const all = await octokit.paginate('GET /installation/repositories', { per_page: 2 });
    expect(all.map((r) => r.name)).toEqual(['alpha', 'bravo', 'charlie', 'delta', 'echo']);
    h.emulator.apps.uninstall(installationId);
  });

  it('lists only the selected repositories, and follows a change of the selection', async () => {
    const installationId = h.emulator.apps.install(APP_ID, 'fleet', ['fleet/charlie', 'fleet/alpha']);
    const octokit = octokitFor(h.emulator, tokenFor(installationId));
    const before = await octokit.request('GET /installation/repositories');
    expect(before.data).toMatchObject({ total_count: 2, repository_selection: 'selected' });
    expect(before.data.repositories.map((r) => r.name)).toEqual(['alpha', 'charlie']);
    h.emulator.apps.setRepositories(installationId, ['fleet/echo']);
    const after = await octokit.request('GET /installation/repositories');
    expect(after.data.repositories.map((r) => r.name)).toEqual(['echo']);
    await expect(octokit.repos.get({ owner: 'fleet', repo: 'alpha' })).rejects.toMatchObject({ status: 404 });
    h.emulator.apps.uninstall(installationId);
  });

  it('refuses a token that is not an installation’s', async () => {
    await expect(h.octokit.request('GET /installation/repositories')).rejects.toMatchObject({ status: 403 });
  });

  it('refuses a suspended installation’s tokens, and new ones, until it is unsuspended', async () => {
    const installationId = h.emulator.apps.install(APP_ID, 'fleet');
    const token = tokenFor(installationId);
    h.emulator.apps.suspend(installationId);
    const refused = await fetch(`${h.emulator.url}/installation/repositories`, { headers: { authorization: `token ${token}` } });
    expect(refused.status).toBe(403);
    const body = await refused.json();
    expect(body).toMatchObject({ message: 'This installation has been suspended' });
    expect(validateResponse('GET', '/installation/repositories', 403, body)).toEqual({ ok: true });
    await expect(octokitFor(h.emulator, token).repos.get({ owner: 'fleet', repo: 'alpha' })).rejects.toMatchObject({ status: 403 });
    await expect(app().octokit.request('POST /app/installations/{installation_id}/access_tokens', { installation_id: installationId })).rejects.toMatchObject({
      status: 403,
      response: { data: { message: 'This installation has been suspended' } },
    });
    const { data: shown } = await app().octokit.request('GET /app/installations/{installation_id}', { installation_id: installationId });
    expect(shown.suspended_at).toEqual(expect.any(String));
    expect(shown.suspended_by?.login).toBe('emulator-admin');

    h.emulator.apps.unsuspend(installationId);
    expect((await octokitFor(h.emulator, token).request('GET /installation/repositories')).data.total_count).toBe(5);
    h.emulator.apps.uninstall(installationId);
  });

  it('lets the App suspend and unsuspend its installation through the API', async () => {
    const installationId = h.emulator.apps.install(APP_ID, 'fleet');
    const token = tokenFor(installationId);
    const octokit = app().octokit;
    expect((await octokit.request('PUT /app/installations/{installation_id}/suspended', { installation_id: installationId })).status).toBe(204);
    expect((await fetch(`${h.emulator.url}/installation/repositories`, { headers: { authorization: `token ${token}` } })).status).toBe(403);
    expect(h.emulator.apps.installation(installationId)?.suspendedBy).toBe('emulator-admin');
    expect((await octokit.request('DELETE /app/installations/{installation_id}/suspended', { installation_id: installationId })).status).toBe(204);
    expect((await fetch(`${h.emulator.url}/installation/repositories`, { headers: { authorization: `token ${token}` } })).status).toBe(200);
    await expect(octokit.request('PUT /app/installations/{installation_id}/suspended', { installation_id: 1 })).rejects.toMatchObject({ status: 404 });
    h.emulator.apps.uninstall(installationId);
  });
});
