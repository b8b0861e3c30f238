import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { octokitFor, startHarness, type Harness } from './helpers.js';
import { validateResponse } from './openapi.js';

const APP_ID = 818;

describe('GET /orgs/{org}/repos', () => {
  let h: Harness;

  // Created oldest first: the default order (created, descending) lists them newest first.
  beforeAll(async () => {
    h = await startHarness({ apps: [{ appId: APP_ID }], tokens: ['ghp_member'] });
    const repos: [string, { private?: boolean; fork?: boolean }][] = [
      ['public-old', {}],
      ['secret', { private: true }],
      ['forked', { fork: true }],
      ['granted-secret', { private: true }],
      ['archived-one', {}],
    ];
    for (const [name, options] of repos) {
      await h.emulator.repos.create('org', name, options);
      await new Promise((r) => setTimeout(r, 1100));
    }
    await h.emulator.repos.commit('org', 'public-old', { message: 'recent push', files: { 'a.txt': 'a\n' } });
    await h.emulator.repos.setArchived('org', 'archived-one', true);
    await h.emulator.repos.grantToken('ghp_member', 'org/granted-secret');
    await h.emulator.repos.create('other', 'not-listed');
  }, 30_000);
  afterAll(() => h.close());

  const names = (list: { name: string }[]) => list.map((r) => r.name);

  it('lists every repository, newest first, to a token that sees them all, with fork and archived as they are', async () => {
    const res = await h.octokit.repos.listForOrg({ org: 'org' });
    expect(names(res.data)).toEqual(['archived-one', 'granted-secret', 'forked', 'secret', 'public-old']);
    expect(res.data.find((r) => r.name === 'forked')).toMatchObject({ fork: true, archived: false });
    expect(res.data.find((r) => r.name === 'archived-one')).toMatchObject({ fork: false, archived: true });
    expect(res.data.find((r) => r.name === 'secret')).toMatchObject({ private: true, visibility: 'private' });
    expect(validateResponse('GET', '/orgs/{org}/repos', 200, res.data)).toEqual({ ok: true });
  });

  it('shows private repositories only to tokens that may read them', async () => {
    expect(names((await octokitFor(h.emulator).repos.listForOrg({ org: 'org' })).data)).toEqual(['archived-one', 'forked', 'public-old']);
    expect(names((await octokitFor(h.emulator, 'ghp_member').repos.listForOrg({ org: 'org' })).data)).toEqual(['archived-one', 'granted-secret', 'forked', 'public-old']);
    const installationId = h.emulator.apps.install(APP_ID, 'org', ['org/secret', 'org/forked']);
    const installation = octokitFor(h.emulator, h.emulator.apps.mintToken(installationId).token);
    expect(names((await installation.repos.listForOrg({ org: 'org' })).data)).toEqual(['forked', 'secret']);
    h.emulator.apps.uninstall(installationId);
  });

  it('filters by type', async () => {
    const list = async (type: 'all' | 'public' | 'private' | 'forks' | 'sources' | 'member', token = h.emulator.token) =>
      names((await octokitFor(h.emulator, token).repos.listForOrg({ org: 'org', type })).data);
    expect(await list('public')).toEqual(['archived-one', 'forked', 'public-old']);
    expect(await list('private')).toEqual(['granted-secret', 'secret']);
    expect(await list('forks')).toEqual(['forked']);
    expect(await list('sources')).toEqual(['archived-one', 'granted-secret', 'secret', 'public-old']);
    expect(await list('member', 'ghp_member')).toEqual(['granted-secret']);
    expect(await list('private', 'ghp_member')).toEqual(['granted-secret']);
  });

  it('sorts by full_name ascending by default, and by push time when asked', async () => {
    expect(names((await h.octokit.repos.listForOrg({ org: 'org', sort: 'full_name' })).data)).toEqual(['archived-one', 'forked', 'granted-secret', 'public-old', 'secret']);
    expect(names((await h.octokit.repos.listForOrg({ org: 'org', sort: 'full_name', direction: 'desc' })).data)).toEqual(['secret', 'public-old', 'granted-secret', 'forked', 'archived-one']);
    expect(names((await h.octokit.repos.listForOrg({ org: 'org', sort: 'pushed' })).data)[0]).toBe('public-old');
    expect(names((await h.octokit.repos.listForOrg({ org: 'org', sort: 'created', direction: 'asc' })).data)).toEqual(['public-old', 'secret', 'forked', 'granted-secret', 'archived-one']);
  });

  it('pages with a Link header', async () => {
    const first = await h.octokit.repos.listForOrg({ org: 'org', sort: 'full_name', per_page: 2 });
    expect(names(first.data)).toEqual(['archived-one', 'forked']);
    expect(first.headers.link).toMatch(/<[^>]*\/orgs\/org\/repos\?[^>]*page=2[^>]*>; rel="next", <[^>]*page=3[^>]*>; rel="last"/);
    expect(first.headers.link).toContain('sort=full_name');
    const all = await h.octokit.paginate(h.octokit.repos.listForOrg, { org: 'org', sort: 'full_name', per_page: 2 });
    expect(names(all)).toEqual(['archived-one', 'forked', 'granted-secret', 'public-old', 'secret']);
  });

  it('answers 404 for an account it has no repositories of', async () => {
    await expect(h.octokit.repos.listForOrg({ org: 'nobody' })).rejects.toMatchObject({ status: 404 });
  });
});
