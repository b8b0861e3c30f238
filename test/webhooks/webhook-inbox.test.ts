import { createHmac, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/api/server.js';
import { webhookDeliveriesRepository } from '../../src/db/repositories/webhook-deliveries.js';
import { startWebhookInbox } from '../../src/webhooks/webhook-inbox.js';
import { startApiHarness, type ApiHarness } from '../support/api-harness.js';
import { until } from '../support/until.js';

const SECRET = 'inbox-webhook-secret';
let h: ApiHarness;
/** Apps started by a test on the harness's database, closed after it. */
const apps: FastifyInstance[] = [];

beforeAll(async () => {
  h = await startApiHarness({ GITHUB_WEBHOOK_SECRET: SECRET });
  // The harness's app plays the process that crashed right after answering: it records and
  // answers, and its inbox never applies anything.
  await h.app.webhookWorkers.inbox.stop();
});
afterAll(async () => {
  for (const app of apps) await app.close();
  await h.close();
});

/** Another API process on the same database, its inbox applying. */
async function startAnotherApp(config: ApiHarness['config'] = h.config): Promise<FastifyInstance> {
  const app = await buildServer({ config, db: h.db, blobs: h.blobs, temporal: h.temporal, secrets: h.secrets }, { logger: false });
  apps.push(app);
  return app;
}

const sign = (body: string) => `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;

function deliver(app: FastifyInstance, event: string, body: string, delivery: string = randomUUID()) {
  return app.inject({ method: 'POST', url: '/api/webhooks/github', headers: { 'content-type': 'application/json', 'x-github-event': event, 'x-github-delivery': delivery, 'x-hub-signature-256': sign(body) }, payload: body });
}
const pushBody = (repo: string, after: string) => JSON.stringify({ ref: 'refs/heads/main', before: '0'.repeat(40), after, repository: { name: repo, full_name: `octo/${repo}`, owner: { login: 'octo' } } });
const sha = (n: number, fill = '0') => n.toString(16).padStart(40, fill);

/** A project of its own repository; `following` ones have an import under way, so pushes raise sync_requests. */
async function project(repo: string, { following }: { following: boolean }): Promise<string> {
  const tenant = await h.db.insertInto('tenants').values({ name: repo }).returning('id').executeTakeFirstOrThrow();
  const created = await h.db
    .insertInto('projects')
    .values({ tenant_id: tenant.id, owner: 'octo', repo, branch: null, default_branch: 'main', auth_kind: 'none', token_ciphertext: null, webhook_secret_ciphertext: null, webhook_id: null, filter: '{}', sync_error_code: null, sync_error_message: null, sync_started_at: null, sync_completed_at: null, last_remote_sha: null, last_synced_sha: null, last_outbound_base_sha: null, current_snapshot_id: null, branch_etag: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (following) await h.db.updateTable('projects').set({ sync_status: 'syncing' }).where('id', '=', created.id).execute();
  return created.id;
}

const projectRow = (id: string) => h.db.selectFrom('projects').select(['sync_requests', 'last_remote_sha']).where('id', '=', id).executeTakeFirstOrThrow();
const rows = (deliveries: string[]) => h.db.selectFrom('webhook_deliveries').select(['delivery_id', 'outcome', 'project_id', 'payload', 'processed_at', 'seq']).where('delivery_id', 'in', deliveries).orderBy('seq').execute();
const untilApplied = (deliveries: string[]) => until(() => rows(deliveries), (found) => found.length === deliveries.length && found.every((row) => row.processed_at !== null), `${deliveries.length} deliveries to be applied`);

/** Answers `count` pushes to `repo` through the crashed app (recorded, never applied); their delivery ids. */
async function answeredNotApplied(repo: string, count: number, fill = '0'): Promise<string[]> {
  const deliveries: string[] = [];
  for (let i = 1; i <= count; i += 1) {
    const delivery = randomUUID();
    const response = await deliver(h.app, 'push', pushBody(repo, sha(i, fill)), delivery);
    expect(response.statusCode).toBe(202);
    expect(response.json()).toEqual({ delivery, event: 'push', outcome: 'queued' });
    deliveries.push(delivery);
  }
  return deliveries;
}

describe('the webhook inbox', () => {
  it('applies deliveries answered by a process that crashed before applying them, once, when another process starts on the same database', async () => {
    const id = await project('crashed', { following: true });
    const deliveries = await answeredNotApplied('crashed', 30);
    // Answered, recorded, and nothing applied: the deliveries are only rows.
    expect((await projectRow(id)).sync_requests).toBe(0);
    expect((await rows(deliveries)).every((row) => row.processed_at === null && row.outcome === 'queued')).toBe(true);

    // Two processes come up; only one applies at a time, and each delivery is applied once.
    await Promise.all([startAnotherApp(), startAnotherApp()]);
    await untilApplied(deliveries);
    expect((await projectRow(id)).sync_requests).toBe(30);
    expect(new Set((await rows(deliveries)).map((row) => JSON.stringify([row.outcome, row.project_id, row.payload])))).toEqual(new Set([JSON.stringify(['sync-signalled', id, null])]));
  });

  it('answers a redelivery 200 without recording or applying it again', async () => {
    const id = await project('redelivered', { following: true });
    const [delivery] = await answeredNotApplied('redelivered', 1);
    const app = apps[0] ?? (await startAnotherApp());
    await untilApplied([delivery!]);
    expect((await projectRow(id)).sync_requests).toBe(1);

    const again = await deliver(app, 'push', pushBody('redelivered', sha(1)), delivery!);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ delivery, outcome: 'duplicate' });
    // A later delivery is applied after the redelivery would have been: the redelivery changed nothing.
    const [later] = await answeredNotApplied('redelivered', 1, 'a');
    app.webhookWorkers.inbox.kick();
    await untilApplied([later!]);
    expect((await projectRow(id)).sync_requests).toBe(2);
    expect(await rows([delivery!])).toHaveLength(1);
  });

  it('applies a project’s deliveries in the order they were answered', async () => {
    const id = await project('ordered', { following: false });
    const deliveries = await answeredNotApplied('ordered', 120, 'b');
    (apps[0] ?? (await startAnotherApp())).webhookWorkers.inbox.kick();
    await untilApplied(deliveries);
    // Each push to a project not imported yet records its head: the last one answered wins.
    expect((await projectRow(id)).last_remote_sha).toBe(sha(120, 'b'));
    expect((await rows(deliveries)).map((row) => row.delivery_id)).toEqual(deliveries);
  });

  it('does not follow the push of a commit our own outbound sync wrote, among pushes of one batch that are followed', async () => {
    const id = await project('echoed', { following: true });
    const ours = sha(2, 'c');
    await h.db
      .insertInto('sync_operations')
      .values({ project_id: id, kind: 'outbound', direction: 'outbound', status: 'running', workflow_id: null, run_id: null, before_sha: null, after_sha: null, error_code: null, error_message: null, completed_at: null, duration_ms: null, metadata: JSON.stringify({ commit: { sha: ours } }) })
      .execute();
    const deliveries = await answeredNotApplied('echoed', 3, 'c');
    (apps[0] ?? (await startAnotherApp())).webhookWorkers.inbox.kick();
    await untilApplied(deliveries);
    expect((await rows(deliveries)).map((row) => row.outcome)).toEqual(['sync-signalled', 'own-outbound-commit', 'sync-signalled']);
    expect((await projectRow(id)).sync_requests).toBe(2);
  });

  it('applies nothing of a batch that fails midway, and all of it once when retried', async () => {
    // Only this test's inbox applies: one still running from an earlier test could apply the
    // first project's deliveries in a round of their own, before the second's are recorded.
    for (const app of apps) await app.webhookWorkers.inbox.stop();
    const fine = await project('fine', { following: true });
    const refused = await project('interrupted', { following: true });
    // A real failure inside the batch's transaction, beside the other project's update: the
    // database refuses this project's.
    await sql`create or replace function refuse_interrupted() returns trigger language plpgsql as $$ begin if new.repo = 'interrupted' then raise exception 'refused for the test'; end if; return new; end $$`.execute(h.db);
    await sql`create trigger refuse_interrupted before update on projects for each row execute function refuse_interrupted()`.execute(h.db);
    const deliveries = [...(await answeredNotApplied('fine', 5)), ...(await answeredNotApplied('interrupted', 5))];

    const warnings: string[] = [];
    const inbox = startWebhookInbox({ db: h.db, log: { warn: (_fields, message) => warnings.push(message) }, afterCommit: () => {}, applyInstallation: async () => {}, intervalMs: 50 });
    try {
      await until(async () => warnings.length, (n) => n >= 2, 'two failed rounds');
      // The first project's updates ran inside the failed transaction: rolled back with it.
      expect((await projectRow(fine)).sync_requests).toBe(0);
      expect((await rows(deliveries)).filter((row) => row.processed_at !== null)).toEqual([]);

      await sql`drop trigger refuse_interrupted on projects`.execute(h.db);
      inbox.kick();
      await untilApplied(deliveries);
    } finally {
      await inbox.stop();
      await sql`drop trigger if exists refuse_interrupted on projects`.execute(h.db);
      await sql`drop function if exists refuse_interrupted()`.execute(h.db);
    }
    expect((await projectRow(fine)).sync_requests).toBe(5);
    expect((await projectRow(refused)).sync_requests).toBe(5);
  });

  it('records nothing for a forged signature (401), a body that is no JSON object (400) or one over 25 MB (413)', async () => {
    const count = async () => Number((await h.db.selectFrom('webhook_deliveries').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const before = await count();
    const body = pushBody('crashed', sha(7));
    const forged = await h.app.inject({ method: 'POST', url: '/api/webhooks/github', headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-github-delivery': randomUUID(), 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` }, payload: body });
    expect(forged.statusCode).toBe(401);
    expect(forged.json().message).toMatch(/signature does not verify/);
    for (const notAnObject of ['[1, 2]', '"text"', '{"ref": ']) {
      const response = await deliver(h.app, 'push', notAnObject);
      expect(response.statusCode).toBe(400);
      expect(response.json().message).toBe('the webhook body is not a JSON object');
    }
    const oversized = await deliver(h.app, 'push', JSON.stringify({ padding: 'x'.repeat(25 * 1024 * 1024 + 10) }));
    expect(oversized.statusCode).toBe(413);
    expect(await count()).toBe(before);
  });

  it('reports the backlog the inbox has not applied yet', async () => {
    await project('backlogged', { following: false });
    const deliveries = await answeredNotApplied('backlogged', 3);
    const backlog = await webhookDeliveriesRepository(h.db).backlog();
    expect(backlog.pending).toBeGreaterThanOrEqual(3);
    expect(backlog.oldestReceivedAt).toBeInstanceOf(Date);
    (await startAnotherApp()).webhookWorkers.inbox.kick();
    await untilApplied(deliveries);
    expect(await webhookDeliveriesRepository(h.db).backlog()).toEqual({ pending: 0, oldestReceivedAt: null });
  });
});

describe('where the webhook workers run', () => {
  it('in a thread of their own, started again when it dies: deliveries recorded meanwhile are applied once', async () => {
    for (const app of apps) await app.webhookWorkers.inbox.stop();
    const id = await project('thread-dies', { following: true });
    const app = await startAnotherApp();
    const first = app.webhookWorkers.thread;
    expect(first).toBeDefined();
    await first!.terminate();
    const deliveries = await answeredNotApplied('thread-dies', 5);
    await until(async () => app.webhookWorkers.thread, (thread) => thread !== first, 'another webhook workers thread');
    // No kick: the new thread's round at start applies what was recorded while none ran.
    await untilApplied(deliveries);
    expect((await projectRow(id)).sync_requests).toBe(5);
    await app.webhookWorkers.inbox.stop();
  });

  it('in the answering thread with WEBHOOK_WORKERS_THREAD=false, applying all the same', async () => {
    for (const app of apps) await app.webhookWorkers.inbox.stop();
    const id = await project('no-thread', { following: true });
    const app = await startAnotherApp({ ...h.config, webhookWorkersThread: false });
    expect(app.webhookWorkers.thread).toBeUndefined();
    const deliveries = await answeredNotApplied('no-thread', 3);
    app.webhookWorkers.inbox.kick();
    await untilApplied(deliveries);
    expect((await projectRow(id)).sync_requests).toBe(3);
    await app.webhookWorkers.inbox.stop();
  });
});

describe('the webhook route’s log', () => {
  it('writes no access line per delivery, while other routes keep theirs', async () => {
    const lines: Array<{ msg?: string; req?: { url?: string } }> = [];
    const app = await buildServer({ config: h.config, db: h.db, blobs: h.blobs, temporal: h.temporal, secrets: h.secrets }, { logger: { level: 'info', stream: { write: (line) => void lines.push(JSON.parse(line)) } } });
    apps.push(app);
    expect((await deliver(app, 'push', pushBody('logged', sha(1)))).statusCode).toBe(202);
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect(lines.some((line) => line.msg === 'incoming request' && line.req?.url === '/healthz')).toBe(true);
    expect(lines.filter((line) => line.req?.url === '/api/webhooks/github')).toEqual([]);
  });
});

describe('the inbox under a burst', () => {
  it('gathers the deliveries of a burst of kicks into one round', async () => {
    // Only this test's inbox applies from here on.
    for (const app of apps) await app.webhookWorkers.inbox.stop();
    const id = await project('burst', { following: true });
    const rounds: boolean[] = [];
    const inbox = startWebhookInbox({ db: h.db, log: { warn: () => {} }, afterCommit: (after) => rounds.push(after.follow), applyInstallation: async () => {}, intervalMs: 60_000, settleMs: 300 });
    try {
      await until(async () => rounds.length, (n) => n >= 1, 'the first round, at start');
      const deliveries = await answeredNotApplied('burst', 20);
      for (let i = 0; i < deliveries.length; i += 1) inbox.kick();
      await untilApplied(deliveries);
      expect((await projectRow(id)).sync_requests).toBe(20);
      // The round at start found nothing; the twenty kicks made one round, not one each nor one
      // more for the kicks that came while it ran.
      expect(rounds).toEqual([false, true]);
    } finally {
      await inbox.stop();
    }
  });

  it('spaces its rounds out while a burst lasts: after a large round, a kick waits the longer settle', async () => {
    for (const app of apps) await app.webhookWorkers.inbox.stop();
    const id = await project('long-burst', { following: true });
    const rounds: number[] = [];
    const inbox = startWebhookInbox({ db: h.db, log: { warn: () => {} }, afterCommit: () => rounds.push(performance.now()), applyInstallation: async () => {}, intervalMs: 60_000, settleMs: 20, burstSettleMs: 1_500, burstRound: 5 });
    try {
      await until(async () => rounds.length, (n) => n >= 1, 'the first round, at start');
      // A quiet round (fewer than burstRound deliveries) keeps the short settle...
      const quiet = await answeredNotApplied('long-burst', 2);
      const quietKickAt = performance.now();
      inbox.kick();
      await untilApplied(quiet);
      expect(rounds.at(-1)! - quietKickAt).toBeLessThan(1_400);
      // ...a burst's round of ten makes the next kick wait the long one.
      const burst = await answeredNotApplied('long-burst', 10, '1');
      inbox.kick();
      await untilApplied(burst);
      const late = await answeredNotApplied('long-burst', 1, '2');
      const kickedAt = performance.now();
      inbox.kick();
      await untilApplied(late);
      expect(rounds.at(-1)! - kickedAt).toBeGreaterThanOrEqual(1_400);
      expect((await projectRow(id)).sync_requests).toBe(13);
    } finally {
      await inbox.stop();
    }
  });
});
