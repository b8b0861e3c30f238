import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { App } from '@octokit/app';
import { Octokit } from '@octokit/rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { octokitFor, quiet, startHarness, type Harness } from './helpers.js';

const APP_ID = 4242;

describe('authentication', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ apps: [{ appId: APP_ID }], tokens: ['ghp_extra'] });
    await h.emulator.repos.create('acme', 'public');
    await h.emulator.repos.commit('acme', 'public', { message: 'init', files: { 'a.txt': 'a\n' } });
    await h.emulator.repos.create('acme', 'private', { private: true });
    await h.emulator.repos.commit('acme', 'private', { message: 'init', files: { 'a.txt': 'a\n' } });
    await h.emulator.repos.create('other', 'elsewhere');
  });
  afterAll(() => h.close());

  const appFor = (privateKey: string) => new App({ appId: APP_ID, privateKey, Octokit: Octokit.defaults({ baseUrl: h.emulator.url, log: quiet }) });

  it('accepts PATs as "token" and "Bearer" and answers 401 Bad credentials otherwise', async () => {
    for (const scheme of ['token', 'Bearer']) {
      const res = await fetch(`${h.emulator.url}/repos/acme/public`, { headers: { authorization: `${scheme} ${h.emulator.token}` } });
      expect(res.status).toBe(200);
    }
    const bad = await fetch(`${h.emulator.url}/repos/acme/public`, { headers: { authorization: 'token ghp_not_a_real_token' } });
    expect(bad.status).toBe(401);
    expect(await bad.json()).toMatchObject({ message: 'Bad credentials', documentation_url: expect.stringContaining('docs.github.com') });
    expect(bad.headers.get('x-ratelimit-limit')).toBe('60');
  });

  it('hides private repositories (404) from callers without access until a token is granted', async () => {
    await expect(octokitFor(h.emulator).repos.get({ owner: 'acme', repo: 'private' })).rejects.toMatchObject({ status: 404 });
    const extra = octokitFor(h.emulator, 'ghp_extra');
    await expect(extra.repos.get({ owner: 'acme', repo: 'private' })).rejects.toMatchObject({ status: 404 });
    expect((await extra.repos.get({ owner: 'acme', repo: 'public' })).status).toBe(200);
    await h.emulator.repos.grantToken('ghp_extra', 'acme/private');
    expect((await extra.repos.get({ owner: 'acme', repo: 'private' })).data.private).toBe(true);
    expect((await h.octokit.repos.get({ owner: 'acme', repo: 'private' })).status).toBe(200);
  });

  it('requires authentication to write', async () => {
    await expect(octokitFor(h.emulator).git.createBlob({ owner: 'acme', repo: 'public', content: 'x' })).rejects.toMatchObject({ status: 401 });
  });

  it('exchanges a verified App JWT for a one-hour installation token that reaches the installed account only', async () => {
    const installationId = h.emulator.apps.install(APP_ID, 'acme');
    const app = appFor(h.emulator.apps.privateKey(APP_ID));
    const { data: installations } = await app.octokit.request('GET /app/installations');
    expect(installations.map((i) => i.id)).toEqual([installationId]);
    const { data: found } = await app.octokit.request('GET /repos/{owner}/{repo}/installation', { owner: 'acme', repo: 'private' });
    expect(found.id).toBe(installationId);
    await expect(app.octokit.request('GET /repos/{owner}/{repo}/installation', { owner: 'other', repo: 'elsewhere' })).rejects.toMatchObject({ status: 404 });

    const { data: token } = await app.octokit.request('POST /app/installations/{installation_id}/access_tokens', { installation_id: installationId });
    const lifetime = Date.parse(token.expires_at) - Date.now();
    expect(lifetime).toBeGreaterThan(59 * 60 * 1000);
    expect(lifetime).toBeLessThanOrEqual(60 * 60 * 1000);

    const installation = await app.getInstallationOctokit(installationId);
    expect((await installation.request('GET /repos/{owner}/{repo}', { owner: 'acme', repo: 'private' })).status).toBe(200);
    await expect(installation.request('GET /repos/{owner}/{repo}', { owner: 'other', repo: 'elsewhere' })).rejects.toMatchObject({ status: 404 });
  });

  it('answers 401 for an expired installation token and for a JWT signed with the wrong key', async () => {
    const installationId = h.emulator.apps.install(APP_ID, 'acme', ['acme/public']);
    const app = appFor(h.emulator.apps.privateKey(APP_ID));
    const { data } = await app.octokit.request('POST /app/installations/{installation_id}/access_tokens', { installation_id: installationId });
    const client = octokitFor(h.emulator, data.token);
    expect((await client.repos.get({ owner: 'acme', repo: 'public' })).status).toBe(200);
    // Selected-repository installations do not see the rest of the account.
    await expect(client.repos.get({ owner: 'acme', repo: 'private' })).rejects.toMatchObject({ status: 404 });
    h.emulator.apps.expireTokens();
    await expect(client.repos.get({ owner: 'acme', repo: 'public' })).rejects.toMatchObject({ status: 401, response: { data: { message: 'Bad credentials' } } });

    const wrongKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    await expect(appFor(wrongKey).octokit.request('GET /app/installations')).rejects.toMatchObject({ status: 401 });
    // A PAT is not an App JWT.
    await expect(h.octokit.request('GET /app/installations')).rejects.toMatchObject({ status: 401 });
  });
});

describe('conditional requests, rate limits and pagination', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ limits: { rateLimit: 50 } });
    await h.emulator.repos.create('acme', 'limits');
    await h.emulator.repos.commit('acme', 'limits', { message: 'init', files: { 'a.txt': 'a\n' } });
  });
  afterAll(() => h.close());

  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${h.emulator.url}${path}`, { headers: { authorization: `token ${h.emulator.token}`, ...headers } });

  it('puts rate-limit headers on every answer, errors included', async () => {
    for (const res of [await get('/repos/acme/limits'), await get('/repos/acme/nope')]) {
      for (const name of ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-used', 'x-ratelimit-reset', 'x-ratelimit-resource']) expect(res.headers.get(name)).not.toBeNull();
      expect(Number(res.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
    }
  });

  it('answers If-None-Match with 304 without consuming rate limit', async () => {
    const first = await get('/repos/acme/limits/branches/main');
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^W\/".+"$/);
    const remaining = Number(first.headers.get('x-ratelimit-remaining'));
    h.emulator.requests.clear();
    const second = await get('/repos/acme/limits/branches/main', { 'if-none-match': etag });
    expect(second.status).toBe(304);
    expect(await second.text()).toBe('');
    expect(Number(second.headers.get('x-ratelimit-remaining'))).toBe(remaining);
    expect(h.emulator.requests.cost()).toBe(0);
    // When the branch moves, the same ETag no longer matches.
    await h.emulator.repos.commit('acme', 'limits', { message: 'move', files: { 'b.txt': 'b\n' } });
    const third = await get('/repos/acme/limits/branches/main', { 'if-none-match': etag });
    expect(third.status).toBe(200);
    expect(Number(third.headers.get('x-ratelimit-remaining'))).toBe(remaining - 1);
    expect(h.emulator.requests.count('GET /repos/{owner}/{repo}/branches/{branch}')).toBe(2);
  });

  it('paginates with Link headers and caps per_page at 100', async () => {
    const gitDir = h.emulator.repos.path('acme', 'limits');
    const head = await h.emulator.repos.head('acme', 'limits');
    const { execFile } = await import('node:child_process');
    const lines = Array.from({ length: 120 }, (_, i) => `create refs/heads/b${String(i).padStart(3, '0')} ${head}\n`).join('');
    await new Promise<void>((resolve, reject) => {
      const child = execFile('git', ['update-ref', '--stdin'], { env: { ...process.env, GIT_DIR: gitDir } }, (err) => (err ? reject(err) : resolve()));
      child.stdin!.end(lines);
    });
    const page1 = await h.octokit.repos.listBranches({ owner: 'acme', repo: 'limits', per_page: 50 });
    expect(page1.data).toHaveLength(50);
    expect(page1.headers.link).toMatch(/<[^>]*[?&]page=2[^>]*>; rel="next", <[^>]*[?&]page=3[^>]*>; rel="last"/);
    const capped = await h.octokit.request('GET /repos/{owner}/{repo}/branches', { owner: 'acme', repo: 'limits', per_page: 500 });
    expect(capped.data).toHaveLength(100);
    const all = await h.octokit.paginate(h.octokit.repos.listBranches, { owner: 'acme', repo: 'limits', per_page: 100 });
    expect(all).toHaveLength(121);
  });

  it('answers 403 with remaining 0 once the primary limit is exhausted', async () => {
    h.emulator.rateLimit.exhaust(30);
    const res = await get('/repos/acme/limits');
    expect(res.status).toBe(403);
    expect(res.headers.get('x-ratelimit-remaining')).toBe('0');
    const reset = Number(res.headers.get('x-ratelimit-reset'));
    expect(reset).toBeGreaterThan(Date.now() / 1000);
    expect(reset).toBeLessThanOrEqual(Date.now() / 1000 + 31);
    expect(((await res.json()) as { message: string }).message).toMatch(/^API rate limit exceeded/);
    expect(h.emulator.requests.entries.at(-1)).toMatchObject({ status: 403, rateLimited: true });
    h.emulator.rateLimit.reset();
    expect((await get('/repos/acme/limits')).status).toBe(200);
  });

  it('counts requests against the configured limit', async () => {
    h.emulator.rateLimit.reset();
    let last: Response | undefined;
    for (let i = 0; i < 50; i++) last = await get('/repos/acme/limits');
    expect(last?.headers.get('x-ratelimit-remaining')).toBe('0');
    expect((await get('/repos/acme/limits')).status).toBe(403);
    h.emulator.rateLimit.reset();
  });
});

describe('fault injection', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
    await h.emulator.repos.create('acme', 'faulty');
    await h.emulator.repos.commit('acme', 'faulty', { message: 'init', files: { 'big.bin': randomBytes(200_000), 'a.txt': 'a\n' } });
  });
  afterAll(() => h.close());

  it('fails the next N matching requests with a 5xx, then recovers', async () => {
    h.emulator.faults.add({ path: '/repos/acme/faulty', method: 'GET', status: 502, times: 2 });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await fetch(`${h.emulator.url}/repos/acme/faulty`)).status);
    expect(statuses).toEqual([502, 502, 200]);
    expect(h.emulator.requests.filter('/repos/acme/faulty').filter((e) => e.faulted)).toHaveLength(2);
  });

  it('answers a secondary rate limit with retry-after', async () => {
    h.emulator.faults.secondaryRateLimit({ path: '/repos/acme/faulty', status: 429, retryAfter: 7, times: 1 });
    const res = await fetch(`${h.emulator.url}/repos/acme/faulty`);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('7');
    expect(((await res.json()) as { message: string }).message).toMatch(/secondary rate limit/);
    expect((await fetch(`${h.emulator.url}/repos/acme/faulty`)).status).toBe(200);
  });

  it('delays a response', async () => {
    h.emulator.faults.add({ path: '/repos/acme/faulty', delayMs: 250, times: 1 });
    const t0 = Date.now();
    expect((await fetch(`${h.emulator.url}/repos/acme/faulty`)).status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
  });

  it('holds a response until the test releases it', async () => {
    let release!: () => void;
    h.emulator.faults.add({ path: '/repos/acme/faulty', holdUntil: new Promise<void>((resolve) => (release = resolve)), times: 1 });
    let answered = false;
    const response = fetch(`${h.emulator.url}/repos/acme/faulty`).then((res) => ((answered = true), res));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(answered).toBe(false);
    release();
    expect((await response).status).toBe(200);
  });

  it('cuts a streamed archive after K bytes', async () => {
    const location = (await fetch(`${h.emulator.url}/repos/acme/faulty/zipball/main`, { redirect: 'manual' })).headers.get('location')!;
    const full = Buffer.from(await (await fetch(location)).arrayBuffer()).length;
    h.emulator.faults.add({ path: new URL(location).pathname, cutAfterBytes: 1000, times: 1 });
    const res = await fetch(location);
    expect(res.status).toBe(200);
    let received = 0;
    const read = (async () => {
      for await (const chunk of res.body!) received += (chunk as Uint8Array).length;
    })();
    await expect(read).rejects.toThrow();
    expect(received).toBe(1000);
    expect(full).toBeGreaterThan(1000);
  });

  it('cuts a JSON body after K bytes', async () => {
    h.emulator.faults.add({ path: '/repos/acme/faulty', cutAfterBytes: 10, times: 1 });
    const res = await fetch(`${h.emulator.url}/repos/acme/faulty`);
    await expect(res.text()).rejects.toThrow();
  });

  it('sends a body no faster than bytesPerSecond, byte-exact', async () => {
    const full = Buffer.from(await (await fetch(`${h.emulator.url}/repos/acme/faulty`)).arrayBuffer());
    h.emulator.faults.add({ path: '/repos/acme/faulty', bytesPerSecond: Math.ceil(full.length / 0.5), times: 1 });
    const started = performance.now();
    const paced = Buffer.from(await (await fetch(`${h.emulator.url}/repos/acme/faulty`)).arrayBuffer());
    // Half a second's worth at the rate given; the tolerance is for the clock's granularity.
    expect(performance.now() - started).toBeGreaterThanOrEqual(450);
    expect(paced.equals(full)).toBe(true);
  });

  it('resets the connection', async () => {
    h.emulator.faults.add({ path: /^\/repos\/acme\/faulty$/, reset: true, times: 1 });
    await expect(fetch(`${h.emulator.url}/repos/acme/faulty`)).rejects.toThrow();
    expect((await fetch(`${h.emulator.url}/repos/acme/faulty`)).status).toBe(200);
  });
});
