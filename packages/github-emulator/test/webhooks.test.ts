import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verify } from '@octokit/webhooks-methods';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { git, startHarness, startReceiver, type Harness } from './helpers.js';

const SECRET = 'It’s a Secret to Everybody';
type Receiver = Awaited<ReturnType<typeof startReceiver>>;

describe('webhooks', () => {
  let h: Harness;
  let receiver: Receiver;
  let hookId: number;
  const repo = { owner: 'acme', repo: 'hooked' };

  beforeAll(async () => {
    h = await startHarness();
    receiver = await startReceiver();
    await h.emulator.repos.create('acme', 'hooked');
    await h.emulator.repos.commit('acme', 'hooked', { message: 'init', files: { 'a.txt': 'a\n', 'b.txt': 'b\n' } });
    const { data } = await h.octokit.repos.createWebhook({ ...repo, config: { url: receiver.url, content_type: 'json', secret: SECRET }, events: ['push', 'create', 'delete'] });
    hookId = data.id;
    await receiver.waitFor(1);
  });
  afterAll(async () => {
    await h.close();
    await receiver.close();
  });

  const since = (n: number) => receiver.received.slice(n);
  const events = (list: typeof receiver.received) => list.map((r) => r.headers['x-github-event']);

  it('pings a new hook with signed GitHub-style headers', async () => {
    const [ping] = receiver.received;
    expect(ping?.headers['x-github-event']).toBe('ping');
    expect(ping?.headers['x-github-hook-id']).toBe(String(hookId));
    expect(ping?.headers['user-agent']).toMatch(/^GitHub-Hookshot\//);
    expect(ping?.headers['x-github-delivery']).toMatch(/^[0-9a-f-]{36}$/);
    expect(await verify(SECRET, ping!.body, String(ping!.headers['x-hub-signature-256']))).toBe(true);
    expect(await verify('wrong secret', ping!.body, String(ping!.headers['x-hub-signature-256']))).toBe(false);
    expect(JSON.parse(ping!.body)).toMatchObject({ hook_id: hookId, zen: expect.any(String) });
  });

  it('delivers a push for a commit made through the admin helper', async () => {
    const start = receiver.received.length;
    const before = await h.emulator.repos.head('acme', 'hooked');
    const { sha } = await h.emulator.repos.commit('acme', 'hooked', { message: 'edit', files: { 'a.txt': 'a2\n', 'b.txt': null, 'c/d.txt': 'd\n' } });
    const [push] = await receiver.waitFor(start + 1).then(() => since(start));
    expect(push?.headers['x-github-event']).toBe('push');
    expect(await verify(SECRET, push!.body, String(push!.headers['x-hub-signature-256']))).toBe(true);
    const payload = JSON.parse(push!.body);
    expect(payload).toMatchObject({ ref: 'refs/heads/main', before, after: sha, created: false, deleted: false, forced: false, head_commit: { id: sha } });
    expect(payload.commits).toHaveLength(1);
    expect(payload.commits[0]).toMatchObject({ id: sha, message: 'edit', added: ['c/d.txt'], removed: ['b.txt'], modified: ['a.txt'] });
    expect(payload.repository.full_name).toBe('acme/hooked');
  });

  it('delivers a verifiable push webhook for a plain git push, and create/delete for branches', async () => {
    const work = await mkdtemp(join(tmpdir(), 'gh-emulator-clone-'));
    await git(work, ['clone', '--quiet', h.emulator.repos.path('acme', 'hooked'), 'wc']);
    const wc = join(work, 'wc');
    await writeFile(join(wc, 'pushed.txt'), 'via git push\n');
    await git(wc, ['add', '.']);
    await git(wc, ['commit', '--quiet', '-m', 'pushed with git']);
    const sha = await git(wc, ['rev-parse', 'HEAD']);
    let start = receiver.received.length;
    await git(wc, ['push', '--quiet', 'origin', 'main']);
    await receiver.waitFor(start + 1);
    const push = since(start)[0]!;
    expect(push.headers['x-github-event']).toBe('push');
    expect(await verify(SECRET, push.body, String(push.headers['x-hub-signature-256']))).toBe(true);
    expect(JSON.parse(push.body)).toMatchObject({ ref: 'refs/heads/main', after: sha, commits: [{ id: sha, added: ['pushed.txt'] }] });
    // The branch moved for API readers too.
    expect((await h.octokit.repos.getBranch({ ...repo, branch: 'main' })).data.commit.sha).toBe(sha);

    start = receiver.received.length;
    await git(wc, ['push', '--quiet', 'origin', 'main:refs/heads/side']);
    await receiver.waitFor(start + 2);
    expect(events(since(start)).sort()).toEqual(['create', 'push']);
    const created = since(start).map((r) => JSON.parse(r.body));
    expect(created.find((p) => p.ref_type)).toMatchObject({ ref: 'side', ref_type: 'branch' });
    expect(created.find((p) => p.after)).toMatchObject({ ref: 'refs/heads/side', created: true });

    start = receiver.received.length;
    await git(wc, ['commit', '--quiet', '--amend', '-m', 'rewritten']);
    await git(wc, ['push', '--quiet', '--force', 'origin', 'HEAD:refs/heads/side']);
    await receiver.waitFor(start + 1);
    expect(JSON.parse(since(start)[0]!.body)).toMatchObject({ ref: 'refs/heads/side', forced: true });

    start = receiver.received.length;
    await git(wc, ['push', '--quiet', 'origin', ':side']);
    await receiver.waitFor(start + 2);
    expect(events(since(start)).sort()).toEqual(['delete', 'push']);
    expect(since(start).map((r) => JSON.parse(r.body)).find((p) => p.after)).toMatchObject({ deleted: true, after: '0'.repeat(40), head_commit: null });
  });

  it('refuses a git push to a protected branch and delivers nothing', async () => {
    await h.emulator.repos.setProtection('acme', 'hooked', 'main', true);
    const work = await mkdtemp(join(tmpdir(), 'gh-emulator-clone-'));
    await git(work, ['clone', '--quiet', h.emulator.repos.path('acme', 'hooked'), 'wc']);
    const wc = join(work, 'wc');
    await writeFile(join(wc, 'blocked.txt'), 'no\n');
    await git(wc, ['add', '.']);
    await git(wc, ['commit', '--quiet', '-m', 'blocked']);
    const start = receiver.received.length;
    await expect(git(wc, ['push', '--quiet', 'origin', 'main'])).rejects.toThrow(/GH006: Protected branch update failed/);
    await h.emulator.webhooks.settled();
    expect(receiver.received.length).toBe(start);
    await h.emulator.repos.setProtection('acme', 'hooked', 'main', false);
  });

  it('redelivers with the same GUID through the API', async () => {
    const { data: deliveries } = await h.octokit.repos.listWebhookDeliveries({ ...repo, hook_id: hookId });
    const original = deliveries.find((d) => d.event === 'push')!;
    const start = receiver.received.length;
    const res = await h.octokit.repos.redeliverWebhookDelivery({ ...repo, hook_id: hookId, delivery_id: original.id });
    expect(res.status).toBe(202);
    await receiver.waitFor(start + 1);
    const again = since(start)[0]!;
    expect(again.headers['x-github-delivery']).toBe(original.guid);
    expect(await verify(SECRET, again.body, String(again.headers['x-hub-signature-256']))).toBe(true);
    const { data: after } = await h.octokit.repos.listWebhookDeliveries({ ...repo, hook_id: hookId });
    expect(after.find((d) => d.guid === original.guid && d.redelivery)).toBeDefined();
    const { data: detail } = await h.octokit.repos.getWebhookDelivery({ ...repo, hook_id: hookId, delivery_id: original.id });
    expect(detail.request.payload).toMatchObject({ ref: expect.any(String) });
  });

  it('drops a delivery on request, which a redelivery then recovers', async () => {
    h.emulator.webhooks.faults.drop(1, 'push');
    const start = receiver.received.length;
    const { sha } = await h.emulator.repos.commit('acme', 'hooked', { message: 'lost', files: { 'lost.txt': 'x\n' } });
    await h.emulator.webhooks.settled();
    expect(receiver.received.length).toBe(start);
    const dropped = h.emulator.webhooks.list({ event: 'push' }).find((d) => d.dropped && (d.payload as { after?: string }).after === sha)!;
    expect(dropped).toBeDefined();
    await h.emulator.webhooks.redeliver(dropped.id);
    expect(since(start).map((r) => r.headers['x-github-delivery'])).toEqual([dropped.guid]);
  });

  it('duplicates a delivery with the same GUID on request', async () => {
    h.emulator.webhooks.faults.duplicate(1, 'push');
    const start = receiver.received.length;
    await h.emulator.repos.commit('acme', 'hooked', { message: 'twice', files: { 'twice.txt': 'x\n' } });
    await receiver.waitFor(start + 2);
    await h.emulator.webhooks.settled();
    const guids = since(start).map((r) => r.headers['x-github-delivery']);
    expect(guids).toHaveLength(2);
    expect(guids[0]).toBe(guids[1]);
  });

  it('delays deliveries on request', async () => {
    h.emulator.webhooks.faults.delay(1, 300, 'push');
    const start = receiver.received.length;
    const t0 = Date.now();
    await h.emulator.repos.commit('acme', 'hooked', { message: 'slow', files: { 'slow.txt': 'x\n' } });
    await receiver.waitFor(start + 1);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(300);
  });

  it('signs form-encoded deliveries over the exact body, and stops after the hook is deleted', async () => {
    const form = await startReceiver();
    const { data } = await h.octokit.repos.createWebhook({ ...repo, config: { url: form.url, content_type: 'form', secret: 's3cr3t' } });
    await form.waitFor(1);
    const ping = form.received[0]!;
    expect(ping.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(ping.body.startsWith('payload=')).toBe(true);
    expect(await verify('s3cr3t', ping.body, String(ping.headers['x-hub-signature-256']))).toBe(true);
    await h.octokit.repos.deleteWebhook({ ...repo, hook_id: data.id });
    await h.emulator.repos.commit('acme', 'hooked', { message: 'after delete', files: { 'z.txt': 'z\n' } });
    await h.emulator.webhooks.settled();
    expect(form.received).toHaveLength(1);
    const { data: hooks } = await h.octokit.repos.listWebhooks(repo);
    expect(hooks.map((x) => x.id)).toEqual([hookId]);
    await form.close();
  });
});
