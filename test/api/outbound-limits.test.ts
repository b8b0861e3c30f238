import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness } from '../support/api-harness.js';

const MAX_BODY_BYTES = 64 * 1024;
let h: ApiHarness;
let projectId: string;
beforeAll(async () => {
  h = await startApiHarness({ OUTBOUND_MAX_BODY_BYTES: String(MAX_BODY_BYTES), OUTBOUND_MAX_CONCURRENT_PER_TENANT: '2' });
  projectId = (await h.app.inject({ method: 'POST', url: '/api/projects', headers: h.auth(), payload: { owner: 'limits', repo: 'outbound' } })).json().id;
});
afterAll(() => h.close());

const edit = (content: string) => ({ message: 'edit', changes: [{ path: 'a.md', content }] });
const outbound = (key?: string, payload: unknown = edit('x')) => h.app.inject({ method: 'POST', url: `/api/projects/${projectId}/outbound`, headers: h.auth(key), payload: payload as object });

describe('POST /api/projects/:id/outbound limits', () => {
  it('answers a body over OUTBOUND_MAX_BODY_BYTES with 413 naming the limit', async () => {
    const response = await outbound(undefined, edit('x'.repeat(MAX_BODY_BYTES)));
    expect(response.statusCode).toBe(413);
    expect(response.json()).toMatchObject({ error: 'payload-too-large', message: expect.stringContaining(String(MAX_BODY_BYTES)) });
  });

  it("answers a tenant's third body in flight with 429 and Retry-After, and frees the slots once answered", async () => {
    // Two requests whose bodies are still arriving hold the tenant's two slots.
    const bodies = [new PassThrough(), new PassThrough()];
    const held = bodies.map((body) => {
      body.write('{"message":"edit","changes":[{"path":"a.md","content":"');
      return h.app.inject({ method: 'POST', url: `/api/projects/${projectId}/outbound`, headers: { ...h.auth(), 'content-type': 'application/json' }, payload: body });
    });
    // The held requests take their slots once their headers are read, which a loaded machine
    // can delay by seconds: ask again until they have.
    let third = await outbound();
    for (let attempt = 0; attempt < 300 && third.statusCode !== 429; attempt += 1) {
      await sleep(50);
      third = await outbound();
    }
    expect(third.statusCode).toBe(429);
    expect(third.headers['retry-after']).toMatch(/^\d+$/);
    expect(third.json().error).toBe('too-many-requests');

    // Another tenant is not held back (its own answer: the project is not theirs).
    expect((await outbound(h.otherKey)).statusCode).toBe(404);

    for (const body of bodies) body.end('x"}]}');
    // Not synced yet: both get their real answer, and their slots come back.
    expect((await Promise.all(held)).map((response) => response.statusCode)).toEqual([409, 409]);
    expect((await outbound()).statusCode).toBe(409);
  });
});
