import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './helpers.js';

const APP_ID = 515;

describe('primary rate limit per credential', () => {
  let h: Harness;
  let installationId: number;

  beforeAll(async () => {
    h = await startHarness({ apps: [{ appId: APP_ID }], tokens: ['ghp_budgeted'] });
    await h.emulator.repos.create('fleet', 'one');
    await h.emulator.repos.commit('fleet', 'one', { message: 'init', files: { 'a.txt': 'a\n' } });
    installationId = h.emulator.apps.install(APP_ID, 'fleet');
  });
  afterAll(() => h.close());

  const get = (token: string | null, path = '/repos/fleet/one') => fetch(`${h.emulator.url}${path}`, { headers: token ? { authorization: `token ${token}` } : {} });

  it('counts both tokens of one installation against the budget set for the installation', async () => {
    h.emulator.rateLimit.setLimit(`installation:${installationId}`, 5);
    const first = h.emulator.apps.mintToken(installationId).token;
    const second = h.emulator.apps.mintToken(installationId).token;
    const answers: Response[] = [];
    for (const token of [first, second, first, second, first]) answers.push(await get(token));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(answers.map((r) => r.headers.get('x-ratelimit-remaining'))).toEqual(['4', '3', '2', '1', '0']);
    const last = answers.at(-1)!;
    expect(last.headers.get('x-ratelimit-limit')).toBe('5');
    expect(last.headers.get('x-ratelimit-used')).toBe('5');
    expect(last.headers.get('x-ratelimit-resource')).toBe('core');
    expect(await h.emulator.rateLimit.state(second)).toMatchObject({ limit: 5, used: 5, remaining: 0 });

    const refused = await get(second);
    expect(refused.status).toBe(403);
    expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(Number(refused.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
    expect(await refused.json()).toMatchObject({ message: `API rate limit exceeded for installation ID ${installationId}.`, documentation_url: expect.stringContaining('rate-limits') });
    // A freshly minted token of the same installation draws on the same exhausted budget.
    expect((await get(h.emulator.apps.mintToken(installationId).token)).status).toBe(403);
    // Other credentials keep their own budgets.
    const pat = await get(h.emulator.token);
    expect(pat.status).toBe(200);
    expect(pat.headers.get('x-ratelimit-limit')).toBe(String(h.emulator.limits.rateLimit));
  });

  it('never lets requests that overlap spend more than the budget between them', async () => {
    h.emulator.tokens.add('ghp_overlapping');
    h.emulator.rateLimit.setLimit('ghp_overlapping', 5);
    const answers = await Promise.all(Array.from({ length: 12 }, () => get('ghp_overlapping')));
    expect(answers.filter((r) => r.status === 200)).toHaveLength(5);
    expect(answers.filter((r) => r.status === 403)).toHaveLength(7);
  });

  it('answers a faulted request with the rate headers of the credential that sent it', async () => {
    h.emulator.tokens.add('ghp_faulted');
    h.emulator.rateLimit.setLimit('ghp_faulted', 7);
    const fault = h.emulator.faults.add({ path: '/repos/fleet/one', status: 502, times: 1 });
    const answer = await get('ghp_faulted');
    fault.remove();
    expect(answer.status).toBe(502);
    expect(answer.headers.get('x-ratelimit-limit')).toBe('7');
  });

  it('sets a budget for a personal access token given as the token itself', async () => {
    h.emulator.rateLimit.setLimit('ghp_budgeted', 2);
    expect((await get('ghp_budgeted')).headers.get('x-ratelimit-limit')).toBe('2');
    await get('ghp_budgeted');
    const refused = await get('ghp_budgeted');
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { message: string }).message).toMatch(/^API rate limit exceeded for user ID \d+\.$/);
  });

  it('keeps a set budget across a reset of the windows', async () => {
    h.emulator.rateLimit.reset();
    expect(await h.emulator.rateLimit.state(`installation:${installationId}`)).toMatchObject({ limit: 5, used: 0, remaining: 5 });
    expect((await get('ghp_budgeted')).headers.get('x-ratelimit-remaining')).toBe('1');
  });

  it('tells an anonymous caller over its limit that authenticated requests get more', async () => {
    h.emulator.rateLimit.setLimit('ip:127.0.0.1', 1);
    expect((await get(null)).status).toBe(200);
    const refused = await get(null);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { message: string }).message).toBe(
      "API rate limit exceeded for 127.0.0.1. (But here's the good news: Authenticated requests get a higher rate limit. Check out the documentation for more details.)",
    );
  });
});

describe('an installation’s default budget', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ apps: [{ appId: APP_ID }] });
    for (let i = 0; i < 25; i++) await h.emulator.repos.create('big', `r${String(i).padStart(2, '0')}`);
  });
  afterAll(() => h.close());

  const limitOf = async (installationId: number) => {
    const res = await fetch(`${h.emulator.url}/installation/repositories`, { headers: { authorization: `token ${h.emulator.apps.mintToken(installationId).token}` } });
    return res.headers.get('x-ratelimit-limit');
  };

  it('is the authenticated budget up to 20 repositories, and 50 more for each one past 20', async () => {
    expect(await limitOf(h.emulator.apps.install(APP_ID, 'big', ['big/r00', 'big/r01', 'big/r02']))).toBe('5000');
    expect(await limitOf(h.emulator.apps.install(APP_ID, 'big'))).toBe('5250');
  });

  it('grows to at most 12,500 an hour', async () => {
    const capped = await startHarness({ apps: [{ appId: APP_ID }], limits: { rateLimit: 12_400 } });
    try {
      for (let i = 0; i < 23; i++) await capped.emulator.repos.create('big', `r${i}`);
      const token = capped.emulator.apps.mintToken(capped.emulator.apps.install(APP_ID, 'big')).token;
      const res = await fetch(`${capped.emulator.url}/installation/repositories`, { headers: { authorization: `token ${token}` } });
      expect(res.headers.get('x-ratelimit-limit')).toBe('12500');
    } finally {
      await capped.close();
    }
  });
});
