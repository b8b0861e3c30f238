import { createHmac, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metadataSyncWorkflowId } from '../../src/shared/metadata-sync.js';
import { appliedOutcome } from '../support/applied-delivery.js';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';

const APP_SECRET = 'app-wide-webhook-secret';
let h: SyncHarness;
let projectId: string;

beforeAll(async () => {
  h = await startSyncHarness({ env: { GITHUB_WEBHOOK_SECRET: APP_SECRET } });
  await h.github.repos.create('octo', 'hooked', { defaultBranch: 'main' });
  await h.github.repos.commit('octo', 'hooked', { message: 'x', files: { 'a.md': '# a\n' } });
  projectId = (await h.link('octo', 'hooked', { branch: 'main' })).id;
});
afterAll(() => h.close());

const sign = (secret: string, body: string) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

/** Delivers through the route and, once it is answered 202 (queued), waits for the inbox to apply it: `applied` is its outcome. */
async function deliver(event: string, payload: unknown, { secret = APP_SECRET, delivery = randomUUID(), signature }: { secret?: string; delivery?: string; signature?: string } = {}) {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const response = await h.app.inject({
    method: 'POST',
    url: '/api/webhooks/github',
    headers: { 'content-type': 'application/json', 'x-github-event': event, 'x-github-delivery': delivery, 'x-hub-signature-256': signature ?? sign(secret, body) },
    payload: body,
  });
  return Object.assign(response, { applied: response.statusCode === 202 ? await appliedOutcome(h.db, delivery) : undefined });
}

const push = (after: string, ref = 'refs/heads/main', repository = { name: 'hooked', full_name: 'octo/hooked', owner: { login: 'octo' } }) => ({ ref, before: '0'.repeat(40), after, repository });
const deliveriesCount = async () => Number((await h.db.selectFrom('webhook_deliveries').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
const lastRemoteSha = async () => (await h.db.selectFrom('projects').select('last_remote_sha').where('id', '=', projectId).executeTakeFirstOrThrow()).last_remote_sha;

describe('POST /api/webhooks/github', () => {
  it('answers ping', async () => {
    const response = await deliver('ping', { zen: 'Keep it logically awesome.', repository: { name: 'hooked', owner: { login: 'octo' } } });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ event: 'ping', outcome: 'pong' });
  });

  it('acknowledges a push to the tracked branch with 202 and records its head after the answer', async () => {
    const after = 'a'.repeat(40);
    const response = await deliver('push', push(after));
    expect(response.statusCode).toBe(202);
    expect(response.json().outcome).toBe('queued');
    expect(response.applied).toBe('push-recorded'); // not imported yet: nothing to follow
    expect(await lastRemoteSha()).toBe(after);
  });

  it('acknowledges a redelivery with 200 and does nothing with it', async () => {
    const delivery = randomUUID();
    expect((await deliver('push', push('b'.repeat(40)), { delivery })).statusCode).toBe(202);
    const before = await deliveriesCount();
    const again = await deliver('push', push('c'.repeat(40)), { delivery });
    expect(again.statusCode).toBe(200);
    expect(again.json().outcome).toBe('duplicate');
    expect(await deliveriesCount()).toBe(before);
    expect(await lastRemoteSha()).toBe('b'.repeat(40));
  });

  it('refuses a forged signature with 401 and processes nothing', async () => {
    const before = await deliveriesCount();
    const response = await deliver('push', push('d'.repeat(40)), { secret: 'not-the-secret' });
    expect(response.statusCode).toBe(401);
    expect(await deliveriesCount()).toBe(before);
    expect(await lastRemoteSha()).not.toBe('d'.repeat(40));
  });

  it("does not let a project's own secret touch another repository's projects", async () => {
    const other = (await h.link('octo', 'elsewhere')).id;
    await h.db.updateTable('projects').set({ webhook_secret_ciphertext: h.secrets.seal('elsewhere-secret') }).where('id', '=', other).execute();
    // Signed with the other project's secret, but naming octo/hooked.
    const response = await deliver('push', push('e'.repeat(40)), { secret: 'elsewhere-secret' });
    expect(response.statusCode).toBe(401);
    expect(await lastRemoteSha()).not.toBe('e'.repeat(40));
    // The same secret is accepted for its own repository.
    const own = await deliver('push', push('f'.repeat(40), 'refs/heads/main', { name: 'elsewhere', full_name: 'octo/elsewhere', owner: { login: 'octo' } }), { secret: 'elsewhere-secret' });
    expect(own.statusCode).toBe(202);
    // Recorded with the project whose secret verified it, and applied to that project only.
    const recorded = await h.db.selectFrom('webhook_deliveries').select(['verified_project_ids', 'project_id', 'payload']).where('delivery_id', '=', own.json().delivery).executeTakeFirstOrThrow();
    expect(recorded).toEqual({ verified_project_ids: [other], project_id: other, payload: null });
  });

  it('moves another branch only in the stored refs, never to where a stale push says, drops a deleted branch or tag, and says so', async () => {
    const branchy = { name: 'branchy', full_name: 'octo/branchy', owner: { login: 'octo' } };
    const main = (await h.github.repos.create('octo', 'branchy'), await h.github.repos.commit('octo', 'branchy', { message: 'x', files: { 'a.md': '# a\n' } })).sha;
    // Commits are not stored for this project, so only a move that does not apply asks for the metadata sync.
    const { id } = await h.link('octo', 'branchy', { metadata: { commits: false } });
    const f1 = (await h.github.repos.commit('octo', 'branchy', { branch: 'feature', message: 'f1', files: { 'f.txt': '1\n' } }, { parent: main })).sha;
    const f2 = (await h.github.repos.commit('octo', 'branchy', { branch: 'feature', message: 'f2', files: { 'f.txt': '2\n' } })).sha;
    const feature = () => h.db.selectFrom('refs').select('sha').where('project_id', '=', id).where('kind', '=', 'branch').where('name', '=', 'feature').executeTakeFirst();
    const until = async (sha: string) => {
      for (const deadline = Date.now() + 10_000; (await feature())?.sha !== sha; await sleep(50)) if (Date.now() > deadline) throw new Error(`feature never reached ${sha}`);
    };

    const created = await deliver('push', { ...push(f1, 'refs/heads/feature', branchy), created: true });
    expect(created.statusCode).toBe(202);
    expect(created.applied).toBe('branch-ref-moved');
    await until(f1);
    expect((await deliver('push', { ...push(f2, 'refs/heads/feature', branchy), before: f1 })).applied).toBe('branch-ref-moved');
    await until(f2);
    await sleep(300);
    const reconciling = h.temporal.workflow.getHandle(metadataSyncWorkflowId(id));
    expect(await reconciling.describe().catch(() => 'never started')).toBe('never started');
    // A delivery that starts from a head the branch has left (late, or from before a force-push)
    // moves nothing; the metadata sync it asks for reads the branches as GitHub has them.
    expect((await deliver('push', { ...push('5'.repeat(40), 'refs/heads/feature', branchy), before: f1 })).statusCode).toBe(202);
    for (const deadline = Date.now() + 10_000; !(await reconciling.describe().catch(() => null)); await sleep(50)) if (Date.now() > deadline) throw new Error('no metadata sync was started');
    await reconciling.result();
    expect(await feature()).toEqual({ sha: f2 });

    // Created and deleted in one breath: the deletion is applied after the queued creation.
    await deliver('push', { ...push('7'.repeat(40), 'refs/heads/short-lived', branchy), created: true });
    expect((await deliver('delete', { ref: 'short-lived', ref_type: 'branch', repository: branchy })).applied).toBe('branch-ref-removed');
    const removed = await deliver('push', { ...push('0'.repeat(40), 'refs/heads/feature', branchy), before: f2, deleted: true });
    expect(removed.applied).toBe('branch-ref-removed');
    for (const deadline = Date.now() + 10_000; await feature(); await sleep(50)) if (Date.now() > deadline) throw new Error('feature was never removed');
    await sleep(300);
    expect(await h.db.selectFrom('refs').select('name').where('project_id', '=', id).where('name', 'in', ['feature', 'short-lived']).execute()).toEqual([]);
    await h.db.insertInto('refs').values({ project_id: id, kind: 'tag', name: 'v1', sha: '3'.repeat(40), peeled_sha: null, protected: false }).execute();
    const tagDeleted = await deliver('delete', { ref: 'v1', ref_type: 'tag', repository: branchy });
    expect(tagDeleted.applied).toBe('tag-ref-removed');
    expect(await h.db.selectFrom('refs').select('sha').where('project_id', '=', id).where('name', '=', 'v1').execute()).toEqual([]);
    const unknown = await deliver('push', push('2'.repeat(40), 'refs/heads/main', { name: 'nobody', full_name: 'someone/nobody', owner: { login: 'someone' } }));
    expect(unknown.applied).toBe('ignored');
  });

  it.each([
    ['X-GitHub-Event', 'x-github-event'],
    ['X-GitHub-Delivery', 'x-github-delivery'],
    ['X-Hub-Signature-256', 'x-hub-signature-256'],
  ])('refuses a delivery without %s with 400', async (name, headerName) => {
    const body = JSON.stringify(push('3'.repeat(40)));
    const headers: Record<string, string> = { 'content-type': 'application/json', 'x-github-event': 'push', 'x-github-delivery': randomUUID(), 'x-hub-signature-256': sign(APP_SECRET, body) };
    delete headers[headerName];
    const response = await h.app.inject({ method: 'POST', url: '/api/webhooks/github', headers, payload: body });
    expect(response.statusCode).toBe(400);
    expect(response.json().message).toMatch(new RegExp(name, 'i'));
  });

  it.each([
    ['a 3,000-character X-GitHub-Delivery', { 'x-github-delivery': 'a'.repeat(3000) }, /x-github-delivery/],
    ['a X-GitHub-Delivery outside its charset', { 'x-github-delivery': 'guid with spaces' }, /x-github-delivery/],
    ['a 3,000-character X-GitHub-Event', { 'x-github-event': 'a'.repeat(3000) }, /x-github-event/],
    ['a X-GitHub-Event outside its charset', { 'x-github-event': 'Push!' }, /x-github-event/],
    ['a X-Hub-Signature-256 that is no HMAC', { 'x-hub-signature-256': `sha256=${'z'.repeat(3000)}` }, /x-hub-signature-256/],
  ])('refuses %s with 400 and records nothing', async (_name, override, field) => {
    const body = JSON.stringify(push('4'.repeat(40)));
    const before = await deliveriesCount();
    const headers = { 'content-type': 'application/json', 'x-github-event': 'push', 'x-github-delivery': randomUUID(), 'x-hub-signature-256': sign(APP_SECRET, body), ...override };
    const response = await h.app.inject({ method: 'POST', url: '/api/webhooks/github', headers, payload: body });
    expect(response.statusCode).toBe(400);
    expect(response.json().message).toMatch(field);
    expect(await deliveriesCount()).toBe(before);
    expect(await lastRemoteSha()).not.toBe('4'.repeat(40));
  });

  it('accepts a 100-character delivery id, the most it allows', async () => {
    const response = await deliver('push', push('5'.repeat(40)), { delivery: 'd'.repeat(100) });
    expect(response.statusCode).toBe(202);
  });

  it('refuses malformed JSON with 400', async () => {
    const response = await deliver('push', '{"ref": ');
    expect(response.statusCode).toBe(400);
  });

  it('refuses a payload over 25 MB with 413', async () => {
    const body = JSON.stringify({ padding: 'x'.repeat(25 * 1024 * 1024 + 10) });
    const response = await deliver('push', body);
    expect(response.statusCode).toBe(413);
  });
});

describe('a real delivery from the GitHub emulator', () => {
  it('verifies a push made with plain git and records the new head', async () => {
    const address = await h.app.listen({ port: 0, host: '127.0.0.1' });
    const octokit = new (await import('@octokit/rest')).Octokit({ baseUrl: h.github.url, auth: h.github.token });
    await octokit.rest.repos.createWebhook({ owner: 'octo', repo: 'hooked', config: { url: `${address}/api/webhooks/github`, content_type: 'json', secret: APP_SECRET }, events: ['push'] });
    const { sha } = await h.github.repos.commit('octo', 'hooked', { message: 'y', files: { 'b.md': '# b\n' } });
    for (let i = 0; i < 50 && (await lastRemoteSha()) !== sha; i += 1) await sleep(100);
    expect(await lastRemoteSha()).toBe(sha);
  });
});
