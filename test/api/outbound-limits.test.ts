import { request as httpRequest } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness } from '../support/api-harness.js';

const MAX_BODY_BYTES = 64 * 1024;
let h: ApiHarness;
let projectId: string;
let address: string;
beforeAll(async () => {
  h = await startApiHarness({ OUTBOUND_MAX_BODY_BYTES: String(MAX_BODY_BYTES), OUTBOUND_MAX_CONCURRENT_PER_TENANT: '2' });
  projectId = (await h.app.inject({ method: 'POST', url: '/api/projects', headers: h.auth(), payload: { owner: 'limits', repo: 'outbound' } })).json().id;
  address = await h.app.listen({ port: 0, host: '127.0.0.1' });
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
    // Two requests whose bodies are still arriving hold the tenant's two slots: real connections
    // that sent their headers and part of the body, so the server has run its request hooks.
    const failures: Error[] = [];
    const hold = () => {
      const request = httpRequest(`${address}/api/projects/${projectId}/outbound`, { method: 'POST', headers: { ...h.auth(), 'content-type': 'application/json' } });
      const held = { request, status: undefined as number | undefined, answer: undefined as unknown as Promise<number> };
      held.answer = new Promise<number>((resolve, reject) => {
        request.on('response', (response) => {
          response.resume();
          held.status = response.statusCode ?? 0;
          resolve(held.status);
        });
        request.on('error', (error) => {
          failures.push(error);
          reject(error);
        });
      });
      held.answer.catch(() => {});
      request.write('{"message":"edit","changes":[{"path":"a.md","content":"');
      return held;
    };
    const held = [hold(), hold()];
    let third = await outbound();
    for (let attempt = 0; attempt < 300 && third.statusCode !== 429; attempt += 1) {
      // A held connection that failed can never hold its slot: say why instead of waiting on.
      if (failures.length > 0) throw new Error(`a held request failed: ${failures.map((error) => error.message).join('; ')}`);
      // A probe that took its slot just before a held request asked for one got that request a
      // 429 instead: hold another in its place.
      for (const [i, one] of held.entries()) {
        if (one.status === 429) {
          one.request.destroy();
          held[i] = hold();
        }
        else if (one.status !== undefined) throw new Error(`a held request was answered ${one.status} before its body ended`);
      }
      await sleep(50);
      third = await outbound();
    }
    expect(third.statusCode).toBe(429);
    expect(third.headers['retry-after']).toMatch(/^\d+$/);
    expect(third.json().error).toBe('too-many-requests');

    // Another tenant is not held back (its own answer: the project is not theirs).
    expect((await outbound(h.otherKey)).statusCode).toBe(404);

    for (const { request } of held) request.end('x"}]}');
    // Not synced yet: both get their real answer, and their slots come back.
    expect(await Promise.all(held.map(({ answer }) => answer))).toEqual([409, 409]);
    expect((await outbound()).statusCode).toBe(409);
  });
});
