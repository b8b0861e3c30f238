import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verify } from '@octokit/webhooks-methods';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { git, startHarness, startReceiver, type Harness, type ReceivedHook } from './helpers.js';
import { validateWebhook } from './openapi.js';

const SECRET = 'repository-secret';
type Receiver = Awaited<ReturnType<typeof startReceiver>>;

describe('repository webhooks and settings', () => {
  let h: Harness;
  let subscribed: Receiver;
  let pushOnly: Receiver;
  let wildcard: Receiver;

  beforeAll(async () => {
    h = await startHarness();
    [subscribed, pushOnly, wildcard] = await Promise.all([startReceiver(), startReceiver(), startReceiver()]);
    await h.emulator.repos.create('acme', 'settings');
    await h.emulator.repos.commit('acme', 'settings', { message: 'init', files: { 'a.txt': 'a\n' } });
    await h.emulator.repos.commit('acme', 'settings', { branch: 'trunk', message: 'trunk', files: { 't.txt': 't\n' } });
    const repo = { owner: 'acme', repo: 'settings' };
    await h.octokit.repos.createWebhook({ ...repo, config: { url: subscribed.url, content_type: 'json', secret: SECRET }, events: ['repository'] });
    await h.octokit.repos.createWebhook({ ...repo, config: { url: pushOnly.url, content_type: 'json', secret: SECRET }, events: ['push'] });
    await h.octokit.repos.createWebhook({ ...repo, config: { url: wildcard.url, content_type: 'json', secret: SECRET }, events: ['*'] });
    await h.emulator.webhooks.settled();
  });
  afterAll(async () => {
    await h.close();
    await Promise.all([subscribed, pushOnly, wildcard].map((r) => r.close()));
  });

  /** Runs `change` and returns the `repository` deliveries `receiver` got for it, once every delivery was attempted. */
  async function repositoryEvents(receiver: Receiver, change: () => Promise<unknown>): Promise<ReceivedHook[]> {
    const start = receiver.received.length;
    await change();
    await h.emulator.webhooks.settled();
    return receiver.received.slice(start).filter((r) => r.headers['x-github-event'] === 'repository');
  }

  /** The one payload delivered, after checking its signature and GitHub's schema for its action. */
  async function single(deliveries: ReceivedHook[]) {
    expect(deliveries).toHaveLength(1);
    const [delivery] = deliveries;
    expect(await verify(SECRET, delivery!.body, String(delivery!.headers['x-hub-signature-256']))).toBe(true);
    const payload = JSON.parse(delivery!.body) as Record<string, unknown> & { repository: Record<string, unknown>; sender: { login: string } };
    expect(validateWebhook('repository', payload)).toEqual({ ok: true });
    return payload;
  }

  it('delivers archived and unarchived once each, signed, with the repository as it now stands', async () => {
    const archived = await single(await repositoryEvents(subscribed, () => h.emulator.repos.setArchived('acme', 'settings', true)));
    expect(archived).toMatchObject({ action: 'archived', repository: { full_name: 'acme/settings', archived: true }, sender: { login: 'emulator-admin' } });
    expect(archived).not.toHaveProperty('changes');
    await expect(h.octokit.git.createRef({ owner: 'acme', repo: 'settings', ref: 'refs/heads/x', sha: 'f'.repeat(40) })).rejects.toMatchObject({ status: 403 });

    const unarchived = await single(await repositoryEvents(subscribed, () => h.emulator.repos.setArchived('acme', 'settings', false)));
    expect(unarchived).toMatchObject({ action: 'unarchived', repository: { archived: false } });
    // Setting what already holds changes nothing and delivers nothing.
    expect(await repositoryEvents(subscribed, () => h.emulator.repos.setArchived('acme', 'settings', false))).toEqual([]);
  });

  it('delivers edited with the former default branch when the default branch changes', async () => {
    const edited = await single(await repositoryEvents(subscribed, () => h.emulator.repos.setDefaultBranch('acme', 'settings', 'trunk')));
    expect(edited).toMatchObject({ action: 'edited', changes: { default_branch: { from: 'main' } }, repository: { default_branch: 'trunk' } });
    expect((await h.octokit.repos.get({ owner: 'acme', repo: 'settings' })).data.default_branch).toBe('trunk');
    const back = await single(await repositoryEvents(subscribed, () => h.emulator.repos.setDefaultBranch('acme', 'settings', 'main')));
    expect(back).toMatchObject({ changes: { default_branch: { from: 'trunk' } }, repository: { default_branch: 'main' } });
  });

  it('delivers renamed with the former name, then serves the repository, its branches, git and archives under the new name', async () => {
    const renamed = await single(await repositoryEvents(subscribed, () => h.emulator.repos.rename('acme', 'settings', 'preferences')));
    expect(renamed).toMatchObject({
      action: 'renamed',
      changes: { repository: { name: { from: 'settings' } } },
      repository: { name: 'preferences', full_name: 'acme/preferences', url: `${h.emulator.url}/repos/acme/preferences` },
    });

    const repo = { owner: 'acme', repo: 'preferences' };
    const { data } = await h.octokit.repos.get(repo);
    expect(data).toMatchObject({ name: 'preferences', full_name: 'acme/preferences', id: renamed.repository.id });
    const { data: branches } = await h.octokit.repos.listBranches(repo);
    expect(branches.map((b) => b.name)).toEqual(['main', 'trunk']);
    expect((await h.octokit.repos.listWebhooks(repo)).data).toHaveLength(3);
    const archive = await fetch(`${h.emulator.url}/repos/acme/preferences/zipball/main`, { redirect: 'manual' });
    expect(archive.headers.get('location')).toBe(`${h.emulator.codeloadUrl}/acme/preferences/legacy.zip/refs/heads/main`);
    expect((await fetch(archive.headers.get('location')!)).status).toBe(200);

    // The former name answers with GitHub's redirect, which Octokit follows.
    const moved = await fetch(`${h.emulator.url}/repos/acme/settings/branches?per_page=1`, { redirect: 'manual', headers: { authorization: `token ${h.emulator.token}` } });
    expect(moved.status).toBe(301);
    expect(moved.headers.get('location')).toBe(`${h.emulator.url}/repos/acme/preferences/branches?per_page=1`);
    expect((await h.octokit.repos.get({ owner: 'acme', repo: 'settings' })).data.full_name).toBe('acme/preferences');

    // A plain git push to the moved repository still delivers its push webhooks.
    const work = await mkdtemp(join(tmpdir(), 'gh-emulator-clone-'));
    await git(work, ['clone', '--quiet', h.emulator.repos.path('acme', 'preferences'), 'wc']);
    await writeFile(join(work, 'wc', 'p.txt'), 'pushed\n');
    await git(join(work, 'wc'), ['add', '.']);
    await git(join(work, 'wc'), ['commit', '--quiet', '-m', 'after rename']);
    const start = pushOnly.received.length;
    await git(join(work, 'wc'), ['push', '--quiet', 'origin', 'main']);
    await pushOnly.waitFor(start + 1);
    expect(JSON.parse(pushOnly.received[start]!.body)).toMatchObject({ ref: 'refs/heads/main', repository: { full_name: 'acme/preferences' } });
  });

  it('delivers transferred with the former owner, and serves the repository under its new owner', async () => {
    const transferred = await single(await repositoryEvents(subscribed, () => h.emulator.repos.transfer('acme', 'preferences', 'globex')));
    expect(transferred).toMatchObject({
      action: 'transferred',
      changes: { owner: { from: { user: { login: 'acme', type: 'User' } } } },
      repository: { full_name: 'globex/preferences', owner: { login: 'globex' } },
    });
    const { data } = await h.octokit.repos.get({ owner: 'globex', repo: 'preferences' });
    expect(data.owner.login).toBe('globex');
    expect((await h.octokit.repos.getBranch({ owner: 'globex', repo: 'preferences', branch: 'trunk' })).data.name).toBe('trunk');
    // The first name still redirects, straight to where the repository lives now.
    const moved = await h.octokit.repos.get({ owner: 'acme', repo: 'settings', request: { redirect: 'manual' } });
    expect(moved).toMatchObject({ status: 301, headers: { location: `${h.emulator.url}/repos/globex/preferences` } });
  });

  it('updates name, default branch and archived through PATCH /repos/{owner}/{repo}, one event per change', async () => {
    const repo = { owner: 'globex', repo: 'preferences' };
    const deliveries = await repositoryEvents(subscribed, async () => {
      const { data } = await h.octokit.repos.update({ ...repo, name: 'options', default_branch: 'trunk' });
      expect(data).toMatchObject({ full_name: 'globex/options', default_branch: 'trunk' });
    });
    const payloads = deliveries.map((d) => JSON.parse(d.body) as { action: string; changes: unknown; repository: { name: string; default_branch: string } });
    expect(payloads.map((p) => p.action).sort()).toEqual(['edited', 'renamed']);
    expect(payloads.find((p) => p.action === 'renamed')).toMatchObject({ changes: { repository: { name: { from: 'preferences' } } }, repository: { name: 'options' } });
    expect(payloads.find((p) => p.action === 'edited')).toMatchObject({ changes: { default_branch: { from: 'main' } }, repository: { name: 'options', default_branch: 'trunk' } });

    const options = { owner: 'globex', repo: 'options' };
    const archived = await single(await repositoryEvents(subscribed, () => h.octokit.repos.update({ ...options, archived: true })));
    expect(archived).toMatchObject({ action: 'archived', repository: { archived: true }, sender: { login: 'emulator-admin' } });
    await expect(h.octokit.repos.update({ ...options, name: 'frozen' })).rejects.toMatchObject({ status: 403 });
    const unarchived = await single(await repositoryEvents(subscribed, () => h.octokit.repos.update({ ...options, archived: false })));
    expect(unarchived).toMatchObject({ action: 'unarchived', repository: { archived: false } });

    await expect(h.octokit.repos.update({ ...options, default_branch: 'missing' })).rejects.toMatchObject({ status: 422 });
    await expect(h.octokit.repos.update({ ...options, name: 'bad name' })).rejects.toMatchObject({ status: 422 });
  });

  it('delivers repository events only to hooks subscribed to them or to *', async () => {
    const events = (r: Receiver) => r.received.map((d) => d.headers['x-github-event']);
    expect(events(pushOnly)).not.toContain('repository');
    expect(events(subscribed).filter((e) => e === 'repository')).toHaveLength(10);
    const bodies = (r: Receiver) => r.received.filter((d) => d.headers['x-github-event'] === 'repository').map((d) => d.body).sort();
    expect(bodies(wildcard)).toEqual(bodies(subscribed));
  });
});
