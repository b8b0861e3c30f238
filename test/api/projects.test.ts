import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness } from '../support/api-harness.js';

let h: ApiHarness;
beforeAll(async () => {
  h = await startApiHarness();
});
afterAll(() => h.close());

async function createProject(body: Record<string, unknown>, key?: string) {
  return h.app.inject({ method: 'POST', url: '/api/projects', headers: h.auth(key), payload: body });
}

describe('POST /api/projects', () => {
  it('links a repository and never returns the token', async () => {
    const response = await createProject({ owner: 'octo-org', repo: 'docs.site', token: 'ghp_supersecret123', syncMode: 'hybrid' });
    expect(response.statusCode).toBe(201);
    const project = response.json();
    expect(project).toMatchObject({ owner: 'octo-org', repo: 'docs.site', branch: null, syncMode: 'hybrid', auth: { kind: 'token' }, sync: { status: 'idle' } });
    expect(response.body).not.toContain('ghp_supersecret123');
    const row = await h.db.selectFrom('projects').selectAll().where('id', '=', project.id).executeTakeFirstOrThrow();
    // Encrypted at rest, and decryptable with the configured key.
    expect(row.token_ciphertext).not.toContain('ghp_supersecret123');
    expect(h.secrets.open(row.token_ciphertext!)).toBe('ghp_supersecret123');
  });

  it('accepts a project without credentials (its syncs will report no-credentials)', async () => {
    const response = await createProject({ owner: 'someone', repo: 'no-creds' });
    expect(response.statusCode).toBe(201);
    expect(response.json().auth.kind).toBe('none');
  });

  it.each([
    [{ repo: 'x', token: 't' }, /owner/],
    [{ owner: '-bad', repo: 'x' }, /owner/],
    [{ owner: 'a--b-', repo: 'x' }, /owner/],
    [{ owner: 'a'.repeat(40), repo: 'x' }, /owner/],
    [{ owner: 'ok', repo: '..' }, /repo/],
    [{ owner: 'ok', repo: 'has space' }, /repo/],
    [{ owner: 'ok', repo: 'x', branch: 'bad..branch' }, /branch/],
    [{ owner: 'ok', repo: 'x', branch: 'has space' }, /branch/],
    [{ owner: 'ok', repo: 'x', syncMode: 'yolo' }, /syncMode/],
    [{ owner: 'ok', repo: 'x', installationId: -1 }, /installationId/],
    [{ owner: 'ok', repo: 'x', surprise: true }, /surprise|additional/],
  ])('refuses %j with a 400 naming the field', async (body, field) => {
    const before = await h.db.selectFrom('projects').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const response = await createProject(body);
    expect(response.statusCode).toBe(400);
    expect(response.json().message).toMatch(field);
    const after = await h.db.selectFrom('projects').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it('refuses both a token and an installation id', async () => {
    const response = await createProject({ owner: 'ok', repo: 'both', token: 't', installationId: 5 });
    expect(response.statusCode).toBe(400);
    expect(response.json().message).toMatch(/either token or installationId/);
  });

  it('refuses an installation id when no GitHub App is configured', async () => {
    const response = await createProject({ owner: 'ok', repo: 'app', installationId: 5 });
    expect(response.statusCode).toBe(400);
    expect(response.json().message).toMatch(/GITHUB_APP_ID/);
  });

  it('answers malformed JSON with 400', async () => {
    const response = await h.app.inject({ method: 'POST', url: '/api/projects', headers: { ...h.auth(), 'content-type': 'application/json' }, payload: '{"owner": "a",' });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toBe('bad-request');
  });

  it('answers a body over the limit with 413', async () => {
    const response = await createProject({ owner: 'ok', repo: 'big', token: 'x'.repeat(2 * 1024 * 1024) });
    expect(response.statusCode).toBe(413);
  });

  it('refuses a second link of the same repository branch with 409, case-insensitively', async () => {
    expect((await createProject({ owner: 'Dup', repo: 'Repo', branch: 'main' })).statusCode).toBe(201);
    const again = await createProject({ owner: 'dup', repo: 'repo', branch: 'main' });
    expect(again.statusCode).toBe(409);
    expect(again.json().message).toMatch(/already linked/);
    // Another branch of the same repository is a different project.
    expect((await createProject({ owner: 'dup', repo: 'repo', branch: 'docs' })).statusCode).toBe(201);
    // Another tenant may link the same repository.
    expect((await createProject({ owner: 'dup', repo: 'repo', branch: 'main' }, h.otherKey)).statusCode).toBe(201);
  });
});

describe('authentication', () => {
  it.each([
    ['no header', {}],
    ['a wrong key', { authorization: 'Bearer rsk_not-a-real-key' }],
    ['a malformed header', { authorization: 'Basic abc' }],
  ])('answers %s with 401', async (_name, headers) => {
    const response = await h.app.inject({ method: 'GET', url: '/api/projects', headers });
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toMatch(/Bearer/);
  });

  it.each([
    ['GET', '/api/projects/00000000-0000-4000-8000-000000000000'],
    ['DELETE', '/api/projects/00000000-0000-4000-8000-000000000000'],
    ['POST', '/api/projects/00000000-0000-4000-8000-000000000000/outbound'],
    ['POST', '/api/projects/00000000-0000-4000-8000-000000000000/sync'],
    ['GET', '/api/projects/00000000-0000-4000-8000-000000000000/sync/status'],
    ['GET', '/api/projects/00000000-0000-4000-8000-000000000000/events'],
    ['GET', '/api/projects/00000000-0000-4000-8000-000000000000/files'],
    ['POST', '/api/fleets'],
    ['GET', '/api/fleets/00000000-0000-4000-8000-000000000000'],
  ] as const)('answers %s %s without a key with 401', async (method, url) => {
    const response = await h.app.inject({ method, url });
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toMatch(/Bearer/);
  });

  it('answers every operation the API document marks as needing a key with 401 without one', async () => {
    const document = h.app.swagger() as { paths: Record<string, Record<string, { security?: unknown[] }>> };
    const guarded = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.entries(operations)
        .filter(([, operation]) => operation.security?.length)
        .map(([method, _operation]) => ({ method: method.toUpperCase() as 'GET', url: path.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000') })),
    );
    expect(guarded.length).toBeGreaterThan(20);
    for (const { method, url } of guarded) {
      const response = await h.app.inject({ method, url });
      expect(response.statusCode, `${method} ${url}`).toBe(401);
    }
  });

  it('leaves health, the status page and the signed webhook receiver without an API key', async () => {
    expect((await h.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect((await h.app.inject({ method: 'GET', url: '/' })).statusCode).toBe(200);
    // The status page's settings need a key, as the API does.
    expect((await h.app.inject({ method: 'GET', url: '/ui/settings.json' })).statusCode).toBe(401);
    const webhook = await h.app.inject({
      method: 'POST',
      url: '/api/webhooks/github',
      headers: { 'content-type': 'application/json', 'x-github-event': 'ping', 'x-github-delivery': 'no-key', 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` },
      payload: '{}',
    });
    // Refused for its signature, not for a missing API key.
    expect(webhook.statusCode).toBe(401);
    expect(webhook.json().message).toMatch(/signature/);
    expect(webhook.headers['www-authenticate']).toBeUndefined();
  });

  it('stores keys only as hashes', async () => {
    const rows = await h.db.selectFrom('api_keys').select(['key_hash', 'key_prefix']).execute();
    expect(rows.length).toBeGreaterThanOrEqual(2);
    for (const row of rows) {
      expect(row.key_hash).toMatch(/^[0-9a-f]{64}$/);
      expect([h.key, h.otherKey]).not.toContain(row.key_hash);
    }
  });
});

describe('GET, PATCH, DELETE /api/projects/:id', () => {
  it('reads, lists, changes and deletes a project', async () => {
    const created = (await createProject({ owner: 'crud', repo: 'cycle', token: 'tok1' })).json();
    const read = await h.app.inject({ method: 'GET', url: `/api/projects/${created.id}`, headers: h.auth() });
    // The project as linked, and the counts of its metadata (none stored yet).
    expect(read.json()).toEqual({ ...created, counts: { openIssues: 0, closedIssues: 0, openPullRequests: 0, closedPullRequests: 0, mergedPullRequests: 0 } });

    const list = await h.app.inject({ method: 'GET', url: '/api/projects?limit=100', headers: h.auth() });
    expect(list.json().projects.map((p: { id: string }) => p.id)).toContain(created.id);

    const patched = await h.app.inject({ method: 'PATCH', url: `/api/projects/${created.id}`, headers: h.auth(), payload: { branch: 'release', syncMode: 'direct_commit', enabled: false, filter: { skipDirectories: ['tmp'] } } });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ branch: 'release', syncMode: 'direct_commit', enabled: false, filter: { skipDirectories: ['tmp'] } });

    const deleted = await h.app.inject({ method: 'DELETE', url: `/api/projects/${created.id}`, headers: h.auth() });
    expect(deleted.statusCode).toBe(204);
    expect((await h.app.inject({ method: 'GET', url: `/api/projects/${created.id}`, headers: h.auth() })).statusCode).toBe(404);
  });

  it('rotates a token on PATCH without ever returning it', async () => {
    const created = (await createProject({ owner: 'rotate', repo: 'token', token: 'old-token' })).json();
    const patched = await h.app.inject({ method: 'PATCH', url: `/api/projects/${created.id}`, headers: h.auth(), payload: { token: 'new-token' } });
    expect(patched.body).not.toContain('new-token');
    const row = await h.db.selectFrom('projects').select('token_ciphertext').where('id', '=', created.id).executeTakeFirstOrThrow();
    expect(h.secrets.open(row.token_ciphertext!)).toBe('new-token');
  });

  it('refuses an empty or invalid PATCH with 400', async () => {
    const created = (await createProject({ owner: 'patch', repo: 'invalid' })).json();
    expect((await h.app.inject({ method: 'PATCH', url: `/api/projects/${created.id}`, headers: h.auth(), payload: {} })).statusCode).toBe(400);
    const bad = await h.app.inject({ method: 'PATCH', url: `/api/projects/${created.id}`, headers: h.auth(), payload: { syncMode: 'nope' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toMatch(/syncMode/);
  });

  it("hides another tenant's project exactly like a missing one", async () => {
    const theirs = (await createProject({ owner: 'tenant-b', repo: 'private' }, h.otherKey)).json();
    const missing = await h.app.inject({ method: 'GET', url: '/api/projects/00000000-0000-4000-8000-000000000000', headers: h.auth() });
    for (const method of ['GET', 'PATCH', 'DELETE'] as const) {
      const response = await h.app.inject({ method, url: `/api/projects/${theirs.id}`, headers: h.auth(), ...(method === 'PATCH' ? { payload: { enabled: false } } : {}) });
      expect(response.statusCode).toBe(404);
      expect(response.json().error).toBe(missing.json().error);
    }
    const list = await h.app.inject({ method: 'GET', url: '/api/projects?limit=100', headers: h.auth() });
    expect(list.json().projects.map((p: { id: string }) => p.id)).not.toContain(theirs.id);
    // Still there for its owner.
    expect((await h.app.inject({ method: 'GET', url: `/api/projects/${theirs.id}`, headers: h.auth(h.otherKey) })).statusCode).toBe(200);
  });

  it('answers a malformed id with 400', async () => {
    const response = await h.app.inject({ method: 'GET', url: '/api/projects/not-a-uuid', headers: h.auth() });
    expect(response.statusCode).toBe(400);
    expect(response.json().message).toMatch(/id/);
  });
});

describe('health, readiness, metrics and docs', () => {
  it('reports liveness without auth', async () => {
    expect((await h.app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ ok: true });
  });

  it('is ready when database, Temporal and storage are reachable, and names each', async () => {
    const response = await h.app.inject({ method: 'GET', url: '/readyz' });
    expect(response.json()).toEqual({ ready: true, checks: { database: { ok: true }, temporal: { ok: true }, storage: { ok: true } } });
    expect(response.statusCode).toBe(200);
  });

  it('serves Prometheus metrics', async () => {
    const response = await h.app.inject({ method: 'GET', url: '/metrics' });
    expect(response.headers['content-type']).toMatch(/text\/plain/);
    expect(response.body).toMatch(/reposync_http_requests_total\{method="GET",route="\/healthz",status="200"\} \d+/);
  });

  it('serves the OpenAPI description at /docs', async () => {
    const response = await h.app.inject({ method: 'GET', url: '/docs/json' });
    expect(response.statusCode).toBe(200);
    expect(Object.keys(response.json().paths)).toEqual(expect.arrayContaining(['/api/projects', '/api/projects/{id}', '/api/projects/{id}/sync/initial']));
  });
});

describe('integer parameters', () => {
  const huge = '99999999999999999999';

  it.each(['/api/projects', '/api/projects/:id/operations'])('answers an offset past its maximum on %s with 400 naming it', async (route) => {
    const created = (await createProject({ owner: 'paging', repo: `offset-${route.length}` })).json();
    const response = await h.app.inject({ method: 'GET', url: `${route.replace(':id', created.id)}?offset=${huge}`, headers: h.auth() });
    expect(response.statusCode).toBe(400);
    expect(response.json().message).toMatch(/offset/);
  });

  it.each([
    [{ owner: 'ok', repo: 'huge-installation', installationId: Number(huge) }, /installationId/],
    [{ owner: 'ok', repo: 'huge-filter', filter: { maxFileBytes: Number(huge) } }, /maxFileBytes/],
    [{ owner: 'ok', repo: 'huge-warn', filter: { warnFileBytes: Number(huge) } }, /warnFileBytes/],
  ])('answers a body integer past its maximum (%j) with 400 naming it', async (body, field) => {
    const response = await createProject(body);
    expect(response.statusCode).toBe(400);
    expect(response.json().message).toMatch(field);
  });
});

describe('text PostgreSQL cannot store', () => {
  let projectId: string;
  beforeAll(async () => {
    projectId = (await createProject({ owner: 'nul', repo: 'bytes' })).json().id;
  });

  it.each([
    ['a NUL in a filter directory', { filter: { skipDirectories: ['a\u0000b'] } }, /skipDirectories/],
    ['an unpaired surrogate in a filter directory', { filter: { skipDirectories: ['\udc00'] } }, /skipDirectories/],
    ['an unpaired surrogate in a branch', { branch: 'main\ud800' }, /branch/],
    ['a NUL in a token', { token: 'ghp_\u0000' }, /token/],
  ])('refuses %s with 400 naming the field', async (_name, payload, field) => {
    const response = await h.app.inject({ method: 'PATCH', url: `/api/projects/${projectId}`, headers: h.auth(), payload });
    expect(response.statusCode).toBe(400);
    expect(response.json().message).toMatch(field);
  });

  it('keeps accepting characters outside the Basic Multilingual Plane', async () => {
    const response = await h.app.inject({ method: 'PATCH', url: `/api/projects/${projectId}`, headers: h.auth(), payload: { filter: { skipDirectories: ['📦-cache'] } } });
    expect(response.statusCode).toBe(200);
    expect(response.json().filter.skipDirectories).toEqual(['📦-cache']);
  });

  it.each([
    ['/files/%00', /params\/\*/],
    ['/files/index.js%00.md', /params\/\*/],
    ['/files?cursor=%00', /cursor/],
    ['/files?prefix=docs%00', /prefix/],
  ])('answers GET %s with 400 naming the field', async (suffix, field) => {
    const response = await h.app.inject({ method: 'GET', url: `/api/projects/${projectId}${suffix}`, headers: h.auth() });
    expect(response.statusCode).toBe(400);
    expect(response.json().message).toMatch(field);
    expect(response.json().message).toMatch(/NUL/);
  });

  it.each([
    ['message', { message: 'fix\u0000', changes: [{ path: 'a.md', content: 'x' }] }, /message/],
    ['a path', { message: 'fix', changes: [{ path: 'a\u0000.md', content: 'x' }] }, /path/],
    ['the author', { message: 'fix', changes: [{ path: 'a.md', content: 'x' }], author: { name: 'A\u0000', email: 'a@b.c' } }, /name/],
  ])('refuses an outbound edit with NUL in %s with 400 naming it', async (_name, payload, field) => {
    const response = await h.app.inject({ method: 'POST', url: `/api/projects/${projectId}/outbound`, headers: h.auth(), payload });
    expect(response.statusCode).toBe(400);
    expect(response.json().message).toMatch(field);
  });
});

describe('work requests without a worker', () => {
  it('accepts an import request at once while no worker polls the task queue', async () => {
    const { id } = (await createProject({ owner: 'idle', repo: 'no-worker' })).json();
    const asked = Date.now();
    const first = await h.app.inject({ method: 'POST', url: `/api/projects/${id}/sync/initial`, headers: h.auth() });
    const second = await h.app.inject({ method: 'POST', url: `/api/projects/${id}/sync/initial`, headers: h.auth() });
    expect(Date.now() - asked).toBeLessThan(5_000);
    expect(first.statusCode).toBe(202);
    expect(first.json()).toEqual({ syncId: null, workflowId: `initial-sync/${id}`, status: 'pending', alreadyRunning: false });
    expect(second.json()).toEqual({ syncId: null, workflowId: `initial-sync/${id}`, status: 'pending', alreadyRunning: true });
    await h.temporal.workflow.getHandle(`incremental-sync/${id}`).terminate('no worker in this file');
  }, 30_000);
});

describe('Idempotency-Key', () => {
  it('answers a retried import request with the first answer and refuses the key for another request with 422', async () => {
    const { id } = (await createProject({ owner: 'idem', repo: 'import' })).json();
    const post = (url: string, key: string, as?: string) => h.app.inject({ method: 'POST', url, headers: { ...h.auth(as), 'idempotency-key': key } });
    const first = await post(`/api/projects/${id}/sync/initial`, 'import-1');
    const retried = await post(`/api/projects/${id}/sync/initial`, 'import-1');
    expect(first.statusCode).toBe(202);
    expect(retried.statusCode).toBe(202);
    // The same answer, not a second request's (which would join the first: alreadyRunning true).
    expect(retried.body).toBe(first.body);
    expect(retried.json()).toMatchObject({ alreadyRunning: false });
    expect(retried.headers['idempotent-replayed']).toBe('true');
    expect((await post(`/api/projects/${id}/sync/initial`, 'import-2')).json()).toMatchObject({ alreadyRunning: true });

    const reused = await post(`/api/projects/${id}/sync`, 'import-1');
    expect(reused.statusCode).toBe(422);
    expect(reused.json().message).toMatch(/Idempotency-Key "import-1" was first used with a different request/);
    await h.temporal.workflow.getHandle(`incremental-sync/${id}`).terminate('no worker in this file');
  }, 30_000);

  it('replays a refusal too: the first answer of a key is kept whatever its status below 500', async () => {
    const { id } = (await createProject({ owner: 'idem', repo: 'never-synced' })).json();
    const post = () => h.app.inject({ method: 'POST', url: `/api/projects/${id}/verify`, headers: { ...h.auth(), 'idempotency-key': 'verify-before-import' } });
    const first = await post();
    expect(first.statusCode).toBe(409);
    const again = await post();
    expect(again.statusCode).toBe(409);
    expect(again.body).toBe(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
  });

  it.each([
    ['longer than 255 characters', 'k'.repeat(256)],
    ['with a control character', 'bad\tkey'],
    ['empty', ''],
  ])('refuses a key %s with 400 naming the header', async (_name, key) => {
    const { id } = (await createProject({ owner: 'idem', repo: `bad-key-${key.length}` })).json();
    const response = await h.app.inject({ method: 'POST', url: `/api/projects/${id}/sync/initial`, headers: { ...h.auth(), 'idempotency-key': key } });
    expect(response.statusCode).toBe(400);
    expect(response.json().message).toMatch(/idempotency-key/i);
  });

  it('documents the header on every POST that starts work', async () => {
    const document = (await h.app.inject({ method: 'GET', url: '/docs/json' })).json();
    for (const path of ['/api/projects/{id}/sync', '/api/projects/{id}/sync/initial', '/api/projects/{id}/verify', '/api/projects/{id}/outbound']) {
      const parameters = document.paths[path].post.parameters as Array<{ in: string; name: string; schema: { maxLength: number } }>;
      expect(parameters.find((parameter) => parameter.in === 'header' && parameter.name === 'idempotency-key'), path).toMatchObject({ schema: { maxLength: 255 } });
      expect(Object.keys(document.paths[path].post.responses), path).toEqual(expect.arrayContaining(['409', '422']));
    }
  });
});

