import { createHmac, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fleetsRepository } from '../../src/db/repositories/fleets.js';
import { fleetSyncWorkflowId } from '../../src/shared/fleet-sync.js';
import type { Fleet, FleetProjectPage } from '../support/api-answers.js';
import { appliedOutcome } from '../support/applied-delivery.js';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';

const APP_ID = 4242;
const APP_SECRET = 'fleet-app-webhook-secret';
let h: SyncHarness;

beforeAll(async () => {
  h = await startSyncHarness({
    apps: [{ appId: APP_ID }],
    env: (github) => ({ GITHUB_APP_ID: String(APP_ID), GITHUB_APP_PRIVATE_KEY: github.apps.privateKey(APP_ID), GITHUB_WEBHOOK_SECRET: APP_SECRET }),
  });
  // The App's events go nowhere by themselves: each test hands the one it needs to the API.
  h.github.apps.setWebhook(APP_ID, 'http://127.0.0.1:9/nobody', APP_SECRET);
});
afterAll(() => h.close());

async function repository(owner: string, name: string, options: { fork?: boolean; archived?: boolean; private?: boolean } = {}): Promise<void> {
  await h.github.repos.create(owner, name, { ...(options.fork ? { fork: true } : {}), ...(options.private ? { private: true } : {}) });
  await h.github.repos.commit(owner, name, { message: 'initial', files: { 'README.md': `# ${name}\n` } });
  if (options.archived) await h.github.repos.setArchived(owner, name, true);
}

const post = (payload: unknown) => h.app.inject({ method: 'POST', url: '/api/fleets', headers: h.auth(), payload: payload as Record<string, unknown> });
const view = async (id: string) => (await h.app.inject({ method: 'GET', url: `/api/fleets/${id}`, headers: h.auth() })).json();

async function untilSettled(fleetId: string): Promise<void> {
  await h.temporal.workflow.getHandle(fleetSyncWorkflowId(fleetId)).result();
}

async function fleetProjects(id: string): Promise<Array<{ id: string; repo: string; syncStatus: string }>> {
  const all = [];
  for (let cursor: string | null = null, first = true; first || cursor; first = false) {
    const page: FleetProjectPage = (
      await h.app.inject({ method: 'GET', url: `/api/fleets/${id}/projects?limit=2${cursor ? `&cursor=${cursor}` : ''}`, headers: h.auth() })
    ).json();
    all.push(...page.projects.map((p) => ({ id: p.id, repo: p.repo, syncStatus: p.sync.status })));
    cursor = page.nextCursor;
  }
  return all.sort((a, b) => a.repo.localeCompare(b.repo));
}

describe('fleets', () => {
  it('links and imports every selected repository of an installation, at most the limit at once, and adopts on a second link', async () => {
    for (const name of ['svc-a', 'svc-b', 'svc-c', 'docs', 'svc-legacy']) await repository('fleetorg', name);
    await repository('fleetorg', 'svc-fork', { fork: true });
    await repository('fleetorg', 'svc-old', { archived: true });
    const installationId = h.github.apps.install(APP_ID, 'fleetorg');

    const created = await post({ installationId, include: ['svc-*', 'docs'], exclude: ['svc-legacy'], maxConcurrentImports: 2, metadata: { issues: false } });
    expect(created.statusCode).toBe(202);
    const fleet = created.json<Fleet>();
    expect(fleet.status).toBe('listing');
    await untilSettled(fleet.id);

    const projects = await fleetProjects(fleet.id);
    expect(projects.map((p) => p.repo)).toEqual(['docs', 'svc-a', 'svc-b', 'svc-c']);
    expect(projects.every((p) => p.syncStatus === 'synced')).toBe(true);
    const done = await view(fleet.id);
    expect(done).toMatchObject({ status: 'ready', repositoriesListed: 4, counts: { total: 4, synced: 4, failed: 0, waiting: 0 }, progress: { done: 4, total: 4, percent: 100 } });
    // Every worker's requests spent the installation's one budget, as GitHub last reported it.
    const budget = await h.github.rateLimit.state(`installation:${installationId}`);
    expect(done.rateLimit).toMatchObject({ limit: budget.limit, inFlight: 0, state: 'ok' });
    expect(done.rateLimit.remaining).toBeGreaterThanOrEqual(budget.remaining);
    expect(done.rateLimit.remaining).toBeLessThan(budget.limit);
    const metrics = (await h.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(new RegExp(`^reposync_github_budget_remaining\\{credential="installation:${installationId}"\\} \\d+$`, 'm'));
    expect(metrics).toMatch(new RegExp(`^reposync_github_budget_limit\\{credential="installation:${installationId}"\\} ${budget.limit}$`, 'm'));
    const rows = await h.db.selectFrom('projects').select(['auth_kind', 'installation_id', 'metadata', 'sync_started_at', 'sync_completed_at']).where('fleet_id', '=', fleet.id).execute();
    expect(rows.every((r) => r.auth_kind === 'app' && r.installation_id === installationId)).toBe(true);
    expect(rows.every((r) => r.metadata.issues === false)).toBe(true);
    // Never more than two imports at once: at every import's start, fewer than two others were running.
    for (const row of rows) {
      const overlapping = rows.filter((other) => other !== row && other.sync_started_at! <= row.sync_started_at! && other.sync_completed_at! > row.sync_started_at!);
      expect(overlapping.length).toBeLessThan(2);
    }

    // Linking again adopts the fleet and its projects: nothing is linked or imported twice.
    const again = await post({ installationId, include: ['svc-*', 'docs'], exclude: ['svc-legacy'], maxConcurrentImports: 2 });
    expect(again.statusCode).toBe(202);
    expect(again.json().id).toBe(fleet.id);
    await untilSettled(fleet.id);
    expect((await fleetProjects(fleet.id)).map((p) => p.id).sort()).toEqual(projects.map((p) => p.id).sort());
    expect(await h.db.selectFrom('projects').select('id').where('owner', '=', 'fleetorg').execute()).toHaveLength(4);
  });

  it('adopts a repository the tenant already linked on its own instead of linking it twice', async () => {
    await repository('adopters', 'mine');
    await repository('adopters', 'new');
    const own = (await h.link('adopters', 'mine')).id;
    const installationId = h.github.apps.install(APP_ID, 'adopters');
    const fleet = (await post({ installationId })).json<Fleet>();
    await untilSettled(fleet.id);
    const projects = await fleetProjects(fleet.id);
    expect(projects.map((p) => p.repo)).toEqual(['mine', 'new']);
    expect(projects.find((p) => p.repo === 'mine')!.id).toBe(own);
  });

  it('answers 201 with zero projects for an installation with no repository', async () => {
    await h.github.repos.create('emptyorg', 'placeholder');
    const installationId = h.github.apps.install(APP_ID, 'emptyorg', []);
    const response = await post({ installationId });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ status: 'ready', counts: { total: 0 }, progress: { done: 0, total: 0, percent: 100 } });
  });

  it('answers two simultaneous first links of one installation with one fleet', async () => {
    await h.github.repos.create('racingorg', 'placeholder');
    const installationId = h.github.apps.install(APP_ID, 'racingorg', []);
    const answers = await Promise.all([post({ installationId }), post({ installationId }), post({ installationId })]);
    expect(answers.map((answer) => answer.statusCode)).toEqual([201, 201, 201]);
    expect(new Set(answers.map((answer) => answer.json().id)).size).toBe(1);
    expect(await h.db.selectFrom('fleets').select('id').where('installation_id', '=', installationId).execute()).toHaveLength(1);
    // The same race at its narrowest: both look for the fleet before either inserts it.
    const { id: tenantId } = await h.db.selectFrom('tenants').select('id').orderBy('created_at').executeTakeFirstOrThrow();
    const fleets = fleetsRepository(h.db);
    const linked = await Promise.all([1, 2, 3].map(() => fleets.createOrAdopt({ tenant_id: tenantId, installation_id: 777_001 })));
    expect(new Set(linked.map(({ fleet }) => fleet.id)).size).toBe(1);
    expect(linked.filter(({ adopted }) => !adopted)).toHaveLength(1);
  });

  it('refuses an installation the App cannot see with 404, and a token that cannot read the organisation with the reason', async () => {
    const missing = await post({ installationId: 987654 });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().message).toMatch(/installation 987654 is not visible to this GitHub App/);
    const unknownOrg = await post({ org: 'no-such-org', token: h.github.token });
    expect(unknownOrg.statusCode).toBe(404);
    expect(unknownOrg.json().message).toMatch(/organisation no-such-org not found/);
    const both = await post({ installationId: 1, org: 'x', token: 't' });
    expect(both.statusCode).toBe(400);
    const badPattern = await post({ installationId: 1, include: ['a/b'] });
    expect(badPattern.statusCode).toBe(400);
    expect(badPattern.json().message).toMatch(/include/);
    expect(await h.db.selectFrom('fleets').select('id').where('installation_id', '=', 987654).execute()).toEqual([]);
  });

  it('links an organisation with a token, leaving forks and archived repositories out by default', async () => {
    for (const name of ['one', 'two']) await repository('tokenorg', name);
    await repository('tokenorg', 'forked', { fork: true });
    await repository('tokenorg', 'frozen', { archived: true });
    const fleet = (await post({ org: 'tokenorg', token: h.github.token, forks: true })).json<Fleet>();
    await untilSettled(fleet.id);
    expect((await fleetProjects(fleet.id)).map((p) => p.repo)).toEqual(['forked', 'one', 'two']);
    const stored = await h.db.selectFrom('fleets').select('token_ciphertext').where('id', '=', fleet.id).executeTakeFirstOrThrow();
    expect(stored.token_ciphertext).not.toContain(h.github.token);
  });

  it('resumes a fleet sync killed halfway without linking or importing anything twice', async () => {
    for (let i = 0; i < 6; i++) await repository('resumeorg', `r${i}`);
    const installationId = h.github.apps.install(APP_ID, 'resumeorg');
    const fleet = (await post({ installationId, maxConcurrentImports: 1 })).json<Fleet>();
    // Stopped once some imports ran, then linked again: the new run finds the rest.
    for (const deadline = Date.now() + 30_000; (await view(fleet.id)).counts.synced < 2; await sleep(100)) if (Date.now() > deadline) throw new Error('no import finished');
    await h.temporal.workflow.getHandle(fleetSyncWorkflowId(fleet.id)).terminate('killed halfway');
    expect((await post({ installationId, maxConcurrentImports: 1 })).statusCode).toBe(202);
    await untilSettled(fleet.id);
    expect(await view(fleet.id)).toMatchObject({ counts: { total: 6, synced: 6 } });
    const initialSyncs = await h.db.selectFrom('sync_operations').select('project_id').where('kind', '=', 'initial').where('project_id', 'in', (await fleetProjects(fleet.id)).map((p) => p.id)).execute();
    expect(initialSyncs).toHaveLength(6);
  });

  it('unlinks a fleet keeping its projects, or removing them', async () => {
    await repository('unlinkorg', 'kept');
    const installationId = h.github.apps.install(APP_ID, 'unlinkorg');
    const fleet = (await post({ installationId })).json<Fleet>();
    await untilSettled(fleet.id);
    const [kept] = await fleetProjects(fleet.id);
    expect((await h.app.inject({ method: 'DELETE', url: `/api/fleets/${fleet.id}`, headers: h.auth() })).statusCode).toBe(204);
    expect((await h.app.inject({ method: 'GET', url: `/api/fleets/${fleet.id}`, headers: h.auth() })).statusCode).toBe(404);
    expect((await h.db.selectFrom('projects').select('fleet_id').where('id', '=', kept!.id).executeTakeFirstOrThrow()).fleet_id).toBeNull();

    const second = (await post({ installationId })).json<Fleet>();
    await untilSettled(second.id);
    expect((await fleetProjects(second.id)).map((p) => p.id)).toEqual([kept!.id]);
    expect((await h.app.inject({ method: 'DELETE', url: `/api/fleets/${second.id}?projects=remove`, headers: h.auth() })).statusCode).toBe(204);
    expect(await h.db.selectFrom('projects').select('id').where('id', '=', kept!.id).execute()).toEqual([]);
  });

  it('follows installation events: gained repositories are linked, lost ones stopped, a suspension pauses every project and lifting it resumes them', async () => {
    for (const name of ['a', 'b', 'c']) await repository('evorg', name);
    const installationId = h.github.apps.install(APP_ID, 'evorg', ['evorg/a', 'evorg/b']);
    const fleet = (await post({ installationId })).json<Fleet>();
    await untilSettled(fleet.id);
    expect((await fleetProjects(fleet.id)).map((p) => p.repo)).toEqual(['a', 'b']);

    const sign = (body: string, secret = APP_SECRET) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
    const relay = async (event: string, action: string, secret = APP_SECRET) => {
      const { payload } = await h.github.webhooks.waitFor((d) => d.event === event && d.action === action && (d.payload as { installation?: { id?: number } }).installation?.id === installationId);
      const body = JSON.stringify(payload);
      const delivery = randomUUID();
      const response = await h.app.inject({ method: 'POST', url: '/api/webhooks/github', headers: { 'content-type': 'application/json', 'x-github-event': event, 'x-github-delivery': delivery, 'x-hub-signature-256': sign(body, secret) }, payload: body });
      // Answered once recorded; the installation change is applied after the answer.
      return Object.assign(response, { applied: response.statusCode === 202 ? await appliedOutcome(h.db, delivery) : undefined });
    };
    const state = async () =>
      Object.fromEntries((await h.db.selectFrom('projects').select(['repo', 'enabled', 'sync_error_code']).where('fleet_id', '=', fleet.id).execute()).map((p) => [p.repo, `${p.enabled ? 'on' : 'off'}:${p.sync_error_code ?? '-'}`]));

    h.github.apps.setRepositories(installationId, ['evorg/a', 'evorg/c']);
    // A forged event changes nothing.
    expect((await relay('installation_repositories', 'removed', 'not-the-secret')).statusCode).toBe(401);
    expect(await state()).toEqual({ a: 'on:-', b: 'on:-' });
    expect((await relay('installation_repositories', 'added')).applied).toBe('installation-relist');
    expect((await relay('installation_repositories', 'removed')).applied).toBe('installation-repositories-removed');
    await untilSettled(fleet.id);
    expect(await state()).toEqual({ a: 'on:-', b: 'off:removed-from-installation', c: 'on:-' });
    expect(await view(fleet.id)).toMatchObject({ status: 'ready', counts: { total: 3, synced: 3 } });

    h.github.apps.suspend(installationId);
    expect((await relay('installation', 'suspend')).statusCode).toBe(202);
    expect(await state()).toEqual({ a: 'off:installation-suspended', b: 'off:removed-from-installation', c: 'off:installation-suspended' });
    expect(await view(fleet.id)).toMatchObject({ status: 'suspended', statusReason: `installation ${installationId} is suspended on GitHub` });

    h.github.apps.unsuspend(installationId);
    expect((await relay('installation', 'unsuspend')).statusCode).toBe(202);
    await untilSettled(fleet.id);
    expect(await state()).toEqual({ a: 'on:-', b: 'off:removed-from-installation', c: 'on:-' });
    expect((await view(fleet.id)).status).toBe('ready');
  });
});
