import { verify } from '@octokit/webhooks-methods';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { WebhookDelivery } from '../src/index.js';
import { startHarness, startReceiver, type Harness } from './helpers.js';
import { validateWebhook } from './openapi.js';

const APP_ID = 717;
const SECRET = 'app-secret';

describe('App webhook deliveries for installations', () => {
  let h: Harness;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    receiver = await startReceiver();
    h = await startHarness({ apps: [{ appId: APP_ID, webhookUrl: receiver.url, webhookSecret: SECRET }] });
    for (const name of ['alpha', 'bravo', 'charlie']) await h.emulator.repos.create('fleet', name, { private: name === 'charlie' });
    await h.emulator.repos.create('elsewhere', 'other');
  });
  afterAll(async () => {
    await h.close();
    await receiver.close();
  });
  beforeEach(async () => {
    await h.emulator.webhooks.settled();
    h.emulator.webhooks.clear();
  });

  /** Deliveries made since the test began, once every queued one was attempted. */
  async function delivered(): Promise<WebhookDelivery[]> {
    await h.emulator.webhooks.settled();
    return h.emulator.webhooks.list();
  }

  function expectValid(deliveries: WebhookDelivery[]): void {
    const failures = deliveries.map((d) => validateWebhook(d.event, d.payload)).filter((v) => !v.ok);
    expect(failures).toEqual([]);
  }

  const repositoriesOf = (list: unknown) => (list as { full_name: string }[]).map((r) => r.full_name);

  it('tells the App it was installed, with the repositories it covers, signed with the App’s secret', async () => {
    const installationId = h.emulator.apps.install(APP_ID, 'fleet');
    const [created, ...rest] = await delivered();
    expect(rest).toEqual([]);
    expect(created).toMatchObject({ event: 'installation', action: 'created', url: receiver.url, statusCode: 200 });
    expect(created!.payload).toMatchObject({ installation: { id: installationId, app_id: APP_ID, account: { login: 'fleet' }, repository_selection: 'all' }, sender: { login: 'emulator-admin' } });
    expect(repositoriesOf(created!.payload.repositories)).toEqual(['fleet/alpha', 'fleet/bravo', 'fleet/charlie']);
    expect(created!.request.headers).toMatchObject({ 'x-github-event': 'installation', 'x-github-hook-installation-target-type': 'integration', 'x-github-hook-installation-target-id': String(APP_ID) });
    expect(await verify(SECRET, created!.request.body, created!.request.headers['x-hub-signature-256']!)).toBe(true);
    expectValid([created!]);
    h.emulator.apps.uninstall(installationId);
  });

  it('sends installation_repositories added and removed when the selection changes', async () => {
    const installationId = h.emulator.apps.install(APP_ID, 'fleet', ['fleet/alpha']);
    h.emulator.apps.setRepositories(installationId, ['fleet/bravo', 'fleet/charlie']);
    const changes = (await delivered()).filter((d) => d.event === 'installation_repositories');
    expect(changes.map((d) => d.action)).toEqual(['added', 'removed']);
    const [added, removed] = changes;
    expect(added!.payload).toMatchObject({ repository_selection: 'selected', repositories_removed: [], installation: { id: installationId } });
    expect(repositoriesOf(added!.payload.repositories_added)).toEqual(['fleet/bravo', 'fleet/charlie']);
    expect(removed!.payload).toMatchObject({ repository_selection: 'selected', repositories_added: [] });
    expect(repositoriesOf(removed!.payload.repositories_removed)).toEqual(['fleet/alpha']);
    expectValid(changes);

    h.emulator.webhooks.clear();
    h.emulator.apps.setRepositories(installationId, 'all');
    const [toAll, ...none] = await delivered();
    expect(none).toEqual([]);
    expect(toAll).toMatchObject({ event: 'installation_repositories', action: 'added', payload: { repository_selection: 'all' } });
    expect(repositoriesOf(toAll!.payload.repositories_added)).toEqual(['fleet/alpha']);
    h.emulator.apps.uninstall(installationId);
  });

  it('tells the App of a suspension and its end, and nothing about the repositories meanwhile', async () => {
    const installationId = h.emulator.apps.install(APP_ID, 'fleet', ['fleet/alpha']);
    h.emulator.apps.suspend(installationId);
    h.emulator.apps.setRepositories(installationId, ['fleet/alpha', 'fleet/bravo']);
    h.emulator.apps.unsuspend(installationId);
    h.emulator.apps.uninstall(installationId);
    const deliveries = await delivered();
    expect(deliveries.map((d) => `${d.event}.${d.action}`)).toEqual(['installation.created', 'installation.suspend', 'installation.unsuspend', 'installation.deleted']);
    const [, suspend, unsuspend, deleted] = deliveries;
    expect(suspend!.payload).toMatchObject({ installation: { suspended_by: { login: 'emulator-admin' }, suspended_at: expect.any(String) } });
    expect(unsuspend!.payload).toMatchObject({ installation: { suspended_by: null, suspended_at: null } });
    expect(repositoriesOf(deleted!.payload.repositories)).toEqual(['fleet/alpha', 'fleet/bravo']);
    expectValid(deliveries);
  });

  it('sends repository created and renamed to an App installed on all repositories, naming the installation', async () => {
    const installationId = h.emulator.apps.install(APP_ID, 'fleet');
    await h.emulator.repos.create('fleet', 'delta');
    await h.emulator.repos.rename('fleet', 'delta', 'delta-renamed');
    await h.emulator.repos.create('elsewhere', 'unrelated');
    const repository = (await delivered()).filter((d) => d.event === 'repository');
    expect(repository.map((d) => d.action)).toEqual(['created', 'renamed']);
    expect(repository[0]!.payload).toMatchObject({ repository: { full_name: 'fleet/delta' }, installation: { id: installationId, node_id: expect.any(String) } });
    expect(repository[1]!.payload).toMatchObject({ repository: { full_name: 'fleet/delta-renamed' }, changes: { repository: { name: { from: 'delta' } } } });
    expectValid(repository);
    h.emulator.apps.uninstall(installationId);
  });

  it('delivers the pushes of the repositories an installation covers to the App, naming the installation', async () => {
    const installationId = h.emulator.apps.install(APP_ID, 'fleet', ['fleet/alpha']);
    await delivered();
    h.emulator.webhooks.clear();
    const { sha } = await h.emulator.repos.commit('fleet', 'alpha', { message: 'first', files: { 'a.txt': 'a\n' } });
    await h.emulator.repos.commit('fleet', 'bravo', { message: 'not covered', files: { 'b.txt': 'b\n' } });
    const deliveries = await delivered();
    expect(deliveries.map((d) => d.event)).toEqual(['create', 'push']);
    const push = deliveries[1]!;
    expect(push.payload).toMatchObject({ ref: 'refs/heads/main', after: sha, repository: { full_name: 'fleet/alpha' }, installation: { id: installationId } });
    expect(push.request.headers).toMatchObject({ 'x-github-hook-installation-target-type': 'integration', 'x-github-hook-installation-target-id': String(APP_ID) });
    expectValid(deliveries);

    h.emulator.apps.suspend(installationId);
    await delivered();
    h.emulator.webhooks.clear();
    await h.emulator.repos.commit('fleet', 'alpha', { message: 'while suspended', files: { 'a.txt': 'a2\n' } });
    expect(await delivered()).toEqual([]);
    h.emulator.apps.uninstall(installationId);
  });

  it('drops a deleted repository from a selection with installation_repositories removed, and sends no repository deleted', async () => {
    await h.emulator.repos.create('fleet', 'doomed');
    const hook = await h.octokit.repos.createWebhook({ owner: 'fleet', repo: 'doomed', config: { url: receiver.url, content_type: 'json' }, events: ['*'] });
    const selected = h.emulator.apps.install(APP_ID, 'fleet', ['fleet/doomed', 'fleet/alpha']);
    await delivered();
    h.emulator.webhooks.clear();
    await h.emulator.repos.delete('fleet', 'doomed');
    const deliveries = await delivered();
    expect(deliveries.map((d) => `${d.event}.${d.action}`)).toEqual(['installation_repositories.removed']);
    expect(repositoriesOf(deliveries[0]!.payload.repositories_removed)).toEqual(['fleet/doomed']);
    expect(deliveries[0]!.hookId).not.toBe(hook.data.id);
    expectValid(deliveries);
    expect(h.emulator.apps.installation(selected)?.repositories).toEqual(['fleet/alpha']);
    await expect(h.octokit.repos.get({ owner: 'fleet', repo: 'doomed' })).rejects.toMatchObject({ status: 404 });
    // The name is free again.
    await h.emulator.repos.create('fleet', 'doomed');
    expect((await h.octokit.repos.get({ owner: 'fleet', repo: 'doomed' })).data.id).toBeGreaterThan(0);
    h.emulator.apps.uninstall(selected);
  });

  it('delivers nothing to an App without a webhook URL', async () => {
    h.emulator.apps.setWebhook(APP_ID, null);
    const installationId = h.emulator.apps.install(APP_ID, 'fleet');
    h.emulator.apps.uninstall(installationId);
    expect(await delivered()).toEqual([]);
    h.emulator.apps.setWebhook(APP_ID, receiver.url, SECRET);
  });
});
