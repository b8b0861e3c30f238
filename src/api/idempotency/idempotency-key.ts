import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest, onSendAsyncHookHandler, preHandlerAsyncHookHandler } from 'fastify';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Db } from '../../db/connection.js';
import { idempotencyKeysRepository } from '../../db/repositories/idempotency-keys.js';
import { httpError } from '../http-error.js';
import { requestHash } from './request-hash.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The Idempotency-Key this request claimed; its answer is stored when it is sent. */
    idempotencyKey?: string;
  }
}

export const IDEMPOTENCY_HEADER = 'idempotency-key';
/** How long a duplicate waits for the first copy's answer before being told it is still in progress. */
const WAIT_FOR_FIRST_MS = 10_000;
const WAIT_STEP_MS = 100;

/** The header as every work-starting POST documents and validates it (printable ASCII, at most 255 characters). */
export const IdempotencyHeadersSchema = Type.Object({
  [IDEMPOTENCY_HEADER]: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 255,
      pattern: '^[\\x20-\\x7E]+$',
      description:
        'Makes a retry safe: the same key with the same method, path and body within 24 hours answers the first answer again (status and body) and starts nothing new; the same key with a different body is refused with 422. Keys are per tenant.',
    }),
  ),
});

/** The answers a route with the header can give besides its own. */
export const idempotencyResponses = { 409: Type.Ref('Error'), 422: Type.Ref('Error') } as const;

/**
 * Route hooks that make a POST idempotent under the Idempotency-Key header: the key is claimed
 * before the handler runs (insert-first, so of two concurrent copies only one runs), and the
 * answer is stored as it is sent. A 5xx frees the key, so a retry runs the request again.
 */
export function idempotencyHooks(db: Db): { preHandler: preHandlerAsyncHookHandler; onSend: onSendAsyncHookHandler } {
  const keys = idempotencyKeysRepository(db);

  async function replay(request: FastifyRequest, reply: FastifyReply, key: string, hash: string): Promise<void> {
    const deadline = Date.now() + WAIT_FOR_FIRST_MS;
    for (;;) {
      const claim = await keys.claim(request.caller.tenantId, key, hash);
      if (claim.claimed) {
        request.idempotencyKey = key;
        return;
      }
      const { stored } = claim;
      if (stored.requestHash !== hash) throw httpError(422, 'idempotency-key-reused', `Idempotency-Key "${key}" was first used with a different request (method, path or body); use a new key for a new request`);
      if (stored.statusCode !== null && stored.responseBody !== null) {
        await reply.code(stored.statusCode).header('content-type', 'application/json; charset=utf-8').header('idempotent-replayed', 'true').send(stored.responseBody);
        return;
      }
      if (Date.now() >= deadline) throw httpError(409, 'conflict', `a request with Idempotency-Key "${key}" is still in progress; retry later`);
      await sleep(WAIT_STEP_MS);
    }
  }

  return {
    async preHandler(request, reply) {
      const key = request.headers[IDEMPOTENCY_HEADER];
      if (typeof key !== 'string') return;
      await replay(request, reply, key, requestHash(request.method, request.url, request.body));
    },
    async onSend(request, reply, payload) {
      const key = request.idempotencyKey;
      if (key === undefined) return payload;
      request.idempotencyKey = undefined;
      if (reply.statusCode >= 500) await keys.release(request.caller.tenantId, key);
      else await keys.answer(request.caller.tenantId, key, reply.statusCode, typeof payload === 'string' ? payload : JSON.stringify(payload ?? null));
      return payload;
    },
  };
}
