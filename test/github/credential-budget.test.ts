import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentialBudgetsRepository } from '../../src/db/repositories/credential-budgets.js';
import type { Db } from '../../src/db/connection.js';
import { credentialKey } from '../../src/github/project-client.js';
import { RESERVE_SHARE, type RequestTicket } from '../../src/github/request-budget.js';
import { startGitHubEmulator, type GitHubEmulator } from '@reposync/github-emulator';
import { createTestDatabase } from '../support/test-stack.js';

const run = promisify(execFile);
const TOKEN = 'ghp_shared_budget_token';
const BUDGET = 40;
const MAX_IN_FLIGHT = 3;

let database: { db: Db; url: string; drop(): Promise<void> };
let emulator: GitHubEmulator;
let root: string;
let proxy: Server;
let proxyUrl: string;
/** Requests open at the proxy now, and the most ever open at once, across every process. */
let open = 0;
let mostOpen = 0;

beforeAll(async () => {
  database = await createTestDatabase();
  root = await mkdtemp(path.join(os.tmpdir(), 'reposync-budget-'));
  emulator = await startGitHubEmulator({ root, tokens: [TOKEN] });
  await emulator.repos.create('octo', 'budget', {});
  await emulator.repos.commit('octo', 'budget', { message: 'init', files: { 'README.md': '# budget\n' } });
  emulator.rateLimit.setLimit(TOKEN, BUDGET);
  // Every request passes here on its way to GitHub, held a little so overlapping requests show.
  proxy = createServer((request, response) => {
    open += 1;
    mostOpen = Math.max(mostOpen, open);
    setTimeout(() => {
      const headers = Object.fromEntries(Object.entries(request.headers).filter(([name]) => name !== 'host' && name !== 'connection').map(([name, value]) => [name, String(value)]));
      void fetch(`${emulator.url}${request.url}`, { method: request.method, headers })
        .then(async (answer) => {
          const answerHeaders = Object.fromEntries([...answer.headers].filter(([name]) => name !== 'content-encoding' && name !== 'content-length' && name !== 'transfer-encoding'));
          response.writeHead(answer.status, answerHeaders).end(Buffer.from(await answer.arrayBuffer()));
        })
        .catch(() => response.writeHead(502).end())
        .finally(() => (open -= 1));
    }, 30);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => proxy?.close(resolve));
  await emulator?.close();
  await database?.drop();
  await rm(root, { recursive: true, force: true });
});

interface SpenderResult {
  sent: number;
  stopped: string | null;
  failure: string | null;
}

function spend(count: number, parallel: number): Promise<SpenderResult> {
  const script = path.resolve('test/support/budget-spender.ts');
  return run(process.execPath, ['--import', 'tsx', script, database.url, proxyUrl, TOKEN, 'octo/budget', String(count), String(parallel), 'interactive'], {
    env: { ...process.env, GITHUB_MAX_IN_FLIGHT: String(MAX_IN_FLIGHT) },
    timeout: 90_000,
  }).then(({ stdout }) => JSON.parse(stdout.trim().split('\n').at(-1)!) as SpenderResult);
}

describe('one GitHub budget per credential, shared by every process', () => {
  it('is never overdrawn by two worker processes spending it at once, nor more requests in flight than allowed', async () => {
    const [first, second] = await Promise.all([spend(BUDGET, 5), spend(BUDGET, 5)]);

    expect(first.failure, 'a request failed instead of waiting').toBeNull();
    expect(second.failure, 'a request failed instead of waiting').toBeNull();
    // Every request of the budget was used, none past it: GitHub refused nothing.
    expect(first.sent + second.sent).toBe(BUDGET);
    const answered = emulator.requests.filter(/\/repos\/octo\/budget$/);
    expect(answered.filter((entry) => entry.rateLimited)).toEqual([]);
    expect(answered.map((entry) => entry.status)).toEqual(Array.from({ length: BUDGET }, () => 200));
    expect(mostOpen).toBeLessThanOrEqual(MAX_IN_FLIGHT);
    expect(mostOpen).toBeGreaterThan(1);
    // Both stopped by the budget, naming when it comes back.
    for (const result of [first, second]) expect(result.stopped).toMatch(/^waiting-for-rate-limit until \d{4}-\d\d-\d\dT[\d:.]+Z: (\d) of 40 requests are left this hour, \1 of them in flight, 0 kept for work above interactive priority, on the token$/);

    const row = await credentialBudgetsRepository(database.db).get(credentialKey({ token: TOKEN }));
    expect(row).toMatchObject({ quota: BUDGET, remaining: 0, used: BUDGET, leases: {} });
    expect(row!.reset_at!.getTime()).toBeGreaterThan(Date.now());
    expect(row!.credential_key).not.toContain(TOKEN);
  }, 120_000);
});

describe('the ledger', () => {
  const ledger = () => credentialBudgetsRepository(database.db);
  const ticket = (credential: string, id: string, overrides: Partial<RequestTicket> = {}): RequestTicket => ({
    credential,
    id,
    write: false,
    reserveShare: RESERVE_SHARE.interactive,
    maxInFlight: 10,
    leaseMs: 60_000,
    writeSpacingMs: 1_000,
    ...overrides,
  });
  const inAnHour = () => new Date(Date.now() + 3_600_000);

  it('keeps the last part of the budget for higher priorities', async () => {
    const key = 'installation:9001';
    await ledger().admit(ticket(key, 'probe'));
    await ledger().settle(key, 'probe', { limit: 100, remaining: 8, used: 92, resetAt: inAnHour() });

    const bulk = await ledger().admit(ticket(key, 'bulk', { reserveShare: RESERVE_SHARE.bulk }));
    expect(bulk).toMatchObject({ admitted: false, reason: 'budget', remaining: 8, quota: 100 });
    expect(bulk.admitted === false && bulk.until!.getTime()).toBeGreaterThan(Date.now() + 3_000_000);
    expect(await ledger().admit(ticket(key, 'poll', { reserveShare: RESERVE_SHARE.poll }))).toEqual({ admitted: true });
    expect(await ledger().admit(ticket(key, 'interactive'))).toEqual({ admitted: true });
    expect((await ledger().get(key))!.waits).toBe(1);
  });

  it('admits at most the allowed requests at once, and frees a slot when a request settles or its lease lapses', async () => {
    const key = 'installation:9002';
    await ledger().admit(ticket(key, 'probe'));
    await ledger().settle(key, 'probe', { limit: 100, remaining: 90, resetAt: inAnHour() });
    expect(await ledger().admit(ticket(key, 'a', { maxInFlight: 2 }))).toEqual({ admitted: true });
    expect(await ledger().admit(ticket(key, 'b', { maxInFlight: 2, leaseMs: 200 }))).toEqual({ admitted: true });
    expect(await ledger().admit(ticket(key, 'c', { maxInFlight: 2 }))).toMatchObject({ admitted: false, reason: 'slots' });
    await ledger().settle(key, 'a', { remaining: 89, resetAt: (await ledger().get(key))!.reset_at! });
    expect(await ledger().admit(ticket(key, 'c', { maxInFlight: 2 }))).toEqual({ admitted: true });
    // `b` never settles (its process died): its slot comes back when its lease lapses.
    expect(await ledger().admit(ticket(key, 'd', { maxInFlight: 2 }))).toMatchObject({ admitted: false, reason: 'slots' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await ledger().admit(ticket(key, 'd', { maxInFlight: 2 }))).toEqual({ admitted: true });
  });

  it('starts writes a second apart, without waiting for the last one to answer', async () => {
    const key = 'installation:9003';
    await ledger().admit(ticket(key, 'probe'));
    await ledger().settle(key, 'probe', { limit: 100, remaining: 90, resetAt: inAnHour() });
    expect(await ledger().admit(ticket(key, 'w1', { write: true }))).toEqual({ admitted: true });
    const refused = await ledger().admit(ticket(key, 'w2', { write: true }));
    expect(refused).toMatchObject({ admitted: false, reason: 'slots' });
    // Told when the spacing ends, so the caller waits exactly that long.
    expect(refused.admitted === false && refused.until!.getTime()).toBeGreaterThan(Date.now());
    expect(await ledger().admit(ticket(key, 'r', { write: false }))).toEqual({ admitted: true });
    // `w1` has not answered (it may hang, or its worker may have died): the next write goes all the same.
    await new Promise((resolve) => setTimeout(resolve, 1_050));
    expect(await ledger().admit(ticket(key, 'w2', { write: true }))).toEqual({ admitted: true });
  });

  it('holds every request back until the time a rate-limited answer named, and believes only answers of the open window', async () => {
    const key = 'installation:9004';
    await ledger().admit(ticket(key, 'probe'));
    const reset = inAnHour();
    await ledger().settle(key, 'probe', { limit: 100, remaining: 50, resetAt: reset, blockedUntil: new Date(Date.now() + 60_000) });
    expect(await ledger().admit(ticket(key, 'x'))).toMatchObject({ admitted: false, reason: 'blocked' });
    // A late answer from the same window that reports more left does not raise the count.
    await ledger().settle(key, 'late', { remaining: 70, resetAt: reset });
    expect((await ledger().get(key))!.remaining).toBe(50);
    // An answer naming another reset while the window is open is another budget's (another
    // resource, or an unauthenticated answer), and says nothing of this one.
    await ledger().settle(key, 'foreign', { limit: 60, remaining: 60, resetAt: new Date(reset.getTime() + 5_000) });
    expect(await ledger().get(key)).toMatchObject({ quota: 100, remaining: 50, reset_at: reset });
    // Once the window is over, the next answer opens the new one.
    await database.db.updateTable('credential_budgets').set({ reset_at: new Date(Date.now() - 1_000) }).where('credential_key', '=', key).execute();
    const next = new Date(Date.now() + 3_600_000);
    await ledger().settle(key, 'next', { limit: 100, remaining: 99, resetAt: next });
    expect(await ledger().get(key)).toMatchObject({ quota: 100, remaining: 99, reset_at: new Date(Math.floor(next.getTime())) });
  });
});
