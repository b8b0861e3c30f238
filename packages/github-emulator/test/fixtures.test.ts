import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './helpers.js';

interface Recorded {
  method: string;
  path: string;
  status: number;
  response: unknown;
  headers: Record<string, string | number>;
}

const require = createRequire(import.meta.url);
/** A scenario recorded against the real api.github.com by @octokit/fixtures. */
const fixture = (name: string) => require(`@octokit/fixtures/scenarios/api.github.com/${name}/normalized-fixture.json`) as Recorded[];

/** Every key path of the recorded body must exist in ours with the same JSON type (GitHub has only added fields since). */
function missingKeys(recorded: unknown, ours: unknown, at = '$'): string[] {
  if (recorded === null || typeof recorded !== 'object') return typeof recorded === typeof ours || recorded === null || ours === null ? [] : [`${at}: ${typeof recorded} vs ${typeof ours}`];
  if (Array.isArray(recorded)) {
    if (!Array.isArray(ours)) return [`${at}: array expected`];
    return recorded.length > 0 && ours.length > 0 ? missingKeys(recorded[0], ours[0], `${at}[0]`) : [];
  }
  if (ours === null || typeof ours !== 'object') return [`${at}: object expected`];
  return Object.entries(recorded).flatMap(([k, v]) => (k in ours ? missingKeys(v, (ours as Record<string, unknown>)[k], `${at}.${k}`) : [`${at}.${k} missing`]));
}

const rels = (link: string | null | undefined) => [...String(link ?? '').matchAll(/rel="(\w+)"/g)].map((m) => m[1]);

describe('agreement with @octokit/fixtures recordings of api.github.com', () => {
  let h: Harness;
  let sha1: string;
  let sha2: string;
  const auth = () => ({ authorization: `token ${h.emulator.token}`, accept: 'application/vnd.github.v3+json' });
  const call = (method: string, path: string, body?: unknown) =>
    fetch(`${h.emulator.url}${path}`, { method, redirect: 'manual', headers: { ...auth(), ...(body ? { 'content-type': 'application/json; charset=utf-8' } : {}) }, body: body ? JSON.stringify(body) : undefined });

  beforeAll(async () => {
    h = await startHarness();
    for (const name of ['get-archive', 'git-refs', 'branch-protection', 'paginate-issues']) await h.emulator.repos.create('octokit-fixture-org', name);
    await h.emulator.repos.commit('octokit-fixture-org', 'get-archive', { message: 'initial commit', files: { 'README.md': '# get-archive' } });
    sha1 = (await h.emulator.repos.commit('octokit-fixture-org', 'git-refs', { message: 'initial commit', files: { '1.md': '# git-refs\ncreated with initial commit' } })).sha;
    sha2 = (await h.emulator.repos.commit('octokit-fixture-org', 'git-refs', { message: '2nd commit', files: { '2.md': '# git-refs\ncreated with 2nd commit' } })).sha;
    await h.emulator.repos.commit('octokit-fixture-org', 'branch-protection', { message: 'initial commit', files: { 'README.md': '# branch-protection' } });
  });
  afterAll(() => h.close());

  it('get-archive: 302 to codeload legacy.tar.gz/refs/heads/main, then a gzip with GitHub’s headers', async () => {
    const [redirect, download] = fixture('get-archive');
    const res = await call('GET', '/repos/octokit-fixture-org/get-archive/tarball/main');
    expect(res.status).toBe(redirect!.status);
    const recordedLocation = new URL(String(redirect!.headers.location));
    const location = new URL(res.headers.get('location')!);
    expect(location.pathname).toBe(recordedLocation.pathname);
    expect(location.origin).not.toBe(new URL(h.emulator.url).origin);
    expect(res.headers.get('content-length')).toBe(String(redirect!.headers['content-length']));

    const archive = await fetch(location, { headers: auth() });
    expect(archive.status).toBe(download!.status);
    expect(archive.headers.get('content-type')).toBe(download!.headers['content-type']);
    const pattern = String(download!.headers['content-disposition']).replace('0000000', '[0-9a-f]{7}').replace(/\./g, '\\.');
    expect(archive.headers.get('content-disposition')).toMatch(new RegExp(`^${pattern}$`));
    const bytes = Buffer.from(await archive.arrayBuffer());
    expect(bytes.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
  });

  it('git-refs: list, create, update, list, delete agree on status, content type and body shape', async () => {
    const recorded = fixture('git-refs');
    const steps: Array<[string, string, unknown]> = [
      ['GET', '/repos/octokit-fixture-org/git-refs/git/refs/', undefined],
      ['POST', '/repos/octokit-fixture-org/git-refs/git/refs', { ref: 'refs/heads/test', sha: sha1 }],
      ['PATCH', '/repos/octokit-fixture-org/git-refs/git/refs/heads/test', { sha: sha2 }],
      ['GET', '/repos/octokit-fixture-org/git-refs/git/refs/', undefined],
      ['DELETE', '/repos/octokit-fixture-org/git-refs/git/refs/heads/test', undefined],
    ];
    expect(recorded.map((r) => `${r.method.toUpperCase()} ${r.path}`)).toEqual(steps.map(([m, p]) => `${m} ${p}`));
    for (const [i, [method, path, body]] of steps.entries()) {
      const expected = recorded[i]!;
      const res = await call(method, path, body);
      expect(res.status, `${method} ${path}`).toBe(expected.status);
      if (expected.status === 204) {
        expect(await res.text()).toBe('');
        continue;
      }
      expect(res.headers.get('content-type')).toBe(expected.headers['content-type']);
      for (const name of ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset', 'x-ratelimit-used', 'x-ratelimit-resource']) expect(res.headers.has(name)).toBe(name in expected.headers);
      const data = await res.json();
      expect(missingKeys(expected.response, data)).toEqual([]);
      if (Array.isArray(expected.response)) expect((data as unknown[]).length).toBe(expected.response.length);
    }
  });

  it('branch-protection: 404 "Branch not protected" for an unprotected branch', async () => {
    const [recorded] = fixture('branch-protection');
    const res = await call('GET', '/repos/octokit-fixture-org/branch-protection/branches/main/protection');
    expect(res.status).toBe(recorded!.status);
    expect(res.headers.get('content-type')).toBe(recorded!.headers['content-type']);
    const data = (await res.json()) as { message: string };
    expect(data.message).toBe((recorded!.response as { message: string }).message);
    expect(missingKeys(recorded!.response, data)).toEqual([]);
  });

  it('paginate-issues: Link relations in GitHub’s order on first, middle and last pages', async () => {
    const recorded = fixture('paginate-issues');
    const gitDir = h.emulator.repos.path('octokit-fixture-org', 'paginate-issues');
    await h.emulator.repos.commit('octokit-fixture-org', 'paginate-issues', { message: 'init', files: { a: 'a' } });
    const head = await h.emulator.repos.head('octokit-fixture-org', 'paginate-issues');
    const { execFileSync } = await import('node:child_process');
    // 13 branches (main + 12) at per_page=3 give the recording's 13 items on 5 pages.
    execFileSync('git', ['update-ref', '--stdin'], { env: { ...process.env, GIT_DIR: gitDir }, input: Array.from({ length: 12 }, (_, i) => `create refs/heads/b${String(i).padStart(2, '0')} ${head}\n`).join('') });
    // Follow rel="next" as a client would, from the first page to the last.
    let url: string | undefined = `${h.emulator.url}/repos/octokit-fixture-org/paginate-issues/branches?per_page=3`;
    for (const expected of recorded) {
      const res = await fetch(url!, { headers: auth() });
      expect(res.status).toBe(expected.status);
      const link = res.headers.get('link');
      expect(rels(link)).toEqual(rels(String(expected.headers.link)));
      expect(((await res.json()) as unknown[]).length).toBe((expected.response as unknown[]).length);
      expect(res.headers.get('etag')).toMatch(/^(W\/)?".+"$/);
      url = /<([^>]+)>; rel="next"/.exec(link ?? '')?.[1];
    }
    expect(url).toBeUndefined();
  });

  it('errors: a 422 carries message, errors and documentation_url like the recording', async () => {
    const [recorded] = fixture('errors');
    const res = await call('POST', '/repos/octokit-fixture-org/git-refs/pulls', { title: 'x', head: 'nope', base: 'main' });
    expect(res.status).toBe(recorded!.status);
    const data = await res.json();
    expect(Object.keys(recorded!.response as object).every((k) => k in (data as object))).toBe(true);
    expect((data as { message: string }).message).toBe('Validation Failed');
  });
});
