import { setTimeout as sleep } from 'node:timers/promises';
import { Octokit } from '@octokit/rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentialKey } from '../../src/github/project-client.js';
import { childRun } from '../support/child-run.js';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';

let h: SyncHarness;
// Two attempts per activity: a rate limit must cost one attempt, however long it lasts.
beforeAll(async () => {
  h = await startSyncHarness({ env: { SYNC_MAX_ATTEMPTS: '2' } });
});
afterAll(() => h.close());

interface PendingAttempt {
  activityType: string;
  attempt: number;
  state: string;
  lastFailure: string | null;
  nextAttemptAt: number | null;
}

/** The activities the workflow waits on, as the Temporal server describes them. */
async function pendingActivities(workflowId: string): Promise<PendingAttempt[]> {
  const description = await h.temporal.workflow.getHandle(workflowId).describe().catch(() => undefined);
  return (description?.raw.pendingActivities ?? []).map((activity) => ({
    activityType: activity.activityType?.name ?? '',
    attempt: activity.attempt ?? 0,
    state: String(activity.state),
    lastFailure: activity.lastFailure?.message ?? null,
    nextAttemptAt: activity.nextAttemptScheduleTime?.seconds ? Number(activity.nextAttemptScheduleTime.seconds) * 1000 : null,
  }));
}

describe('a primary rate limit during a sync', () => {
  it('is waited out by Temporal between attempts, until GitHub’s reset, and the sync ends synced', async () => {
    await h.github.repos.create('octo', 'limited', {});
    await h.github.repos.commit('octo', 'limited', { message: 'x', files: { 'README.md': '# limited\n', 'docs/a.md': 'a\n' } });
    const { id } = await h.link('octo', 'limited');
    // The limit is the token's: one request opens its budget, then the whole budget is spent.
    await new Octokit({ baseUrl: h.github.url, auth: h.github.token }).rest.repos.get({ owner: 'octo', repo: 'limited' });
    const resetInSeconds = 20;
    const resetAt = Date.now() + resetInSeconds * 1000;
    h.github.rateLimit.exhaust(resetInSeconds);

    const since = new Date();
    const started = await h.app.inject({ method: 'POST', url: `/api/projects/${id}/sync/initial`, headers: h.auth() });
    expect(started.statusCode, started.body).toBe(202);
    const { workflowId } = started.json();
    // Accepted at once: the child starts when the writer takes the request up.
    const ended = childRun(h.temporal, workflowId, since).then((run) => run.result()).then(() => 'completed', () => 'failed');

    // While the limit lasts, no attempt sleeps inside the worker: the failed attempt is on record
    // and the server holds the next one until GitHub said to come back.
    let waiting: PendingAttempt | undefined;
    while (!waiting && Date.now() < resetAt - 2_000) {
      waiting = (await pendingActivities(workflowId)).find((activity) => activity.lastFailure !== null && /rate limit/i.test(activity.lastFailure));
      if (!waiting) await sleep(200);
    }
    expect(waiting, 'no attempt failed on the rate limit while it lasted').toBeDefined();
    expect(waiting).toMatchObject({ activityType: 'resolveHead', attempt: 2 });
    expect(waiting!.nextAttemptAt).toBeGreaterThanOrEqual(resetAt - 1_000);

    expect(await ended).toBe('completed');
    const status = (await h.app.inject({ method: 'GET', url: `/api/projects/${id}/sync/status`, headers: h.auth() })).json();
    expect(status).toMatchObject({ status: 'synced', error: null });
    // One refused request for the one attempt made during the limit: nothing hammered GitHub.
    expect(h.github.requests.filter().filter((entry) => entry.rateLimited)).toHaveLength(1);
  }, 180_000);

  it('waits for the shared budget’s reset without sending GitHub a request, and the status says so', async () => {
    await h.github.repos.create('octo', 'budgeted', {});
    await h.github.repos.commit('octo', 'budgeted', { message: 'x', files: { 'README.md': '# budgeted\n' } });
    const { id } = await h.link('octo', 'budgeted');
    // Other workers have spent the token's budget: the ledger says none is left until the reset.
    const resetAt = new Date(Date.now() + 15_000);
    await h.db
      .insertInto('credential_budgets')
      .values({ credential_key: credentialKey({ token: h.github.token }), quota: 5000, remaining: 0, used: 5000, reset_at: resetAt })
      .onConflict((oc) => oc.column('credential_key').doUpdateSet({ quota: 5000, remaining: 0, used: 5000, reset_at: resetAt, blocked_until: null }))
      .execute();
    h.github.requests.clear();

    const since = new Date();
    const started = await h.app.inject({ method: 'POST', url: `/api/projects/${id}/sync/initial`, headers: h.auth() });
    expect(started.statusCode, started.body).toBe(202);
    const ended = childRun(h.temporal, started.json().workflowId, since).then((run) => run.result()).then(() => 'completed', () => 'failed');

    let shown: { status: string; error: { code: string; message: string } | null } | undefined;
    while (Date.now() < resetAt.getTime() - 2_000 && !shown?.error) {
      shown = (await h.app.inject({ method: 'GET', url: `/api/projects/${id}/sync/status`, headers: h.auth() })).json();
      if (!shown?.error) await sleep(200);
    }
    expect(shown).toMatchObject({ status: 'syncing', error: { code: 'github-unavailable', message: expect.stringMatching(/waiting-for-rate-limit until \d{4}-[\d-]+T[\d:.]+Z: 0 of 5000 requests are left this hour/) } });
    // Until the reset nothing was sent: the budget was other workers' to spend.
    expect(h.github.requests.filter(/octo\/budgeted/)).toEqual([]);

    expect(await ended).toBe('completed');
    expect(Date.now()).toBeGreaterThanOrEqual(resetAt.getTime());
    const status = (await h.app.inject({ method: 'GET', url: `/api/projects/${id}/sync/status`, headers: h.auth() })).json();
    expect(status).toMatchObject({ status: 'synced', error: null });
  }, 120_000);
});
