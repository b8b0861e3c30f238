import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness } from '../support/api-harness.js';

interface Operation {
  parameters?: Array<{ name: string; in: string }>;
  requestBody?: { content: Record<string, { schema: Record<string, unknown> }> };
  responses: Record<string, unknown>;
}
type OpenApi = { paths: Record<string, Record<string, Operation>> };

let h: ApiHarness;
let openapi: OpenApi;
let projectId: string;
beforeAll(async () => {
  h = await startApiHarness();
  openapi = (await h.app.inject({ method: 'GET', url: '/docs/json' })).json();
  projectId = (await h.app.inject({ method: 'POST', url: '/api/projects', headers: h.auth(), payload: { owner: 'contract', repo: 'truth' } })).json().id;
});
afterAll(() => h.close());

const operation = (path: string, method: string) => openapi.paths[path]![method]!;
const statuses = (path: string, method: string) => Object.keys(operation(path, method).responses).sort();

describe('the OpenAPI description', () => {
  it('documents the error answers each operation can give, and no others', () => {
    expect(statuses('/api/projects/{id}', 'patch')).toEqual(['200', '400', '401', '404', '409', '413', '415', '431', '500']);
    expect(statuses('/api/projects', 'get')).toEqual(['200', '400', '401', '431', '500']);
    expect(statuses('/api/projects/{id}/outbound', 'post')).toEqual(['202', '400', '401', '404', '409', '413', '415', '422', '429', '431', '500']);
    expect(statuses('/api/webhooks/github', 'post')).toEqual(['200', '202', '400', '401', '413', '415', '431', '500']);
  });

  it('says token and installationId exclude each other, and an edit needs a change', () => {
    for (const [path, method] of [['/api/projects', 'post'], ['/api/projects/{id}', 'patch']] as const) {
      expect(operation(path, method).requestBody!.content['application/json']!.schema).toMatchObject({ not: { required: ['token', 'installationId'] } });
    }
    expect(operation('/api/projects/{id}/outbound', 'post').requestBody!.content['application/json']!.schema).toMatchObject({ properties: { changes: { minItems: 1 } } });
  });
});

describe('what the API does matches it', () => {
  it.each([
    ['/api/projects?limt=5', /limt/],
    ['/api/projects/:id?verbose=1', /verbose/],
    ['/api/projects/:id/operations?page=2', /page/],
    ['/api/projects/:id/files?sort=path', /sort/],
  ])('refuses the unknown query parameter in GET %s with 400 naming it', async (url, name) => {
    const response = await h.app.inject({ method: 'GET', url: url.replace(':id', projectId), headers: h.auth() });
    expect(response.statusCode).toBe(400);
    expect(response.json().message).toMatch(name);
  });

  it.each([
    ['POST', '/api/projects', { owner: 'both', repo: 'creds', token: 'ghp_x', installationId: 5 }],
    ['PATCH', '/api/projects/:id', { token: 'ghp_x', installationId: 5 }],
  ] as const)('refuses %s %s with both a token and an installationId, naming both', async (method, url, payload) => {
    const response = await h.app.inject({ method, url: url.replace(':id', projectId), headers: h.auth(), payload });
    expect(response.statusCode).toBe(400);
    expect(response.json().message).toMatch(/either token or installationId/);
  });

  it('refuses an outbound edit without changes with 400 naming changes', async () => {
    const response = await h.app.inject({ method: 'POST', url: `/api/projects/${projectId}/outbound`, headers: h.auth(), payload: { message: 'nothing', changes: [] } });
    expect(response.statusCode).toBe(400);
    expect(response.json().message).toMatch(/changes/);
  });

  it('answers a body it has no parser for with 415', async () => {
    const response = await h.app.inject({ method: 'POST', url: '/api/projects', headers: { ...h.auth(), 'content-type': 'application/xml' }, payload: '<owner>x</owner>' });
    expect(response.statusCode).toBe(415);
    expect(response.json().error).toBe('unsupported-media-type');
  });

  it.each([
    ['DELETE', '/api/projects', 'GET, HEAD, POST'],
    ['PUT', '/api/projects/:id', 'GET, HEAD, PATCH, DELETE'],
    ['GET', '/api/projects/:id/outbound', 'POST'],
    ['GET', '/api/webhooks/github', 'POST'],
  ] as const)('answers %s %s with 405 and Allow: %s', async (method, url, allow) => {
    const response = await h.app.inject({ method, url: url.replace(':id', projectId), headers: h.auth() });
    expect(response.statusCode).toBe(405);
    expect(response.headers.allow).toBe(allow);
    expect(response.json().error).toBe('method-not-allowed');
  });

  it('answers a method that carries a body (QUERY) on a known path with 405 before reading it', async () => {
    const response = await h.app.inject({ method: 'QUERY' as 'GET', url: '/api/projects', headers: h.auth() });
    expect(response.statusCode).toBe(405);
    expect(response.headers.allow).toBe('GET, HEAD, POST');
  });

  it('still answers a path no route has with 404', async () => {
    const response = await h.app.inject({ method: 'GET', url: '/api/nothing-here', headers: h.auth() });
    expect(response.statusCode).toBe(404);
  });
});
