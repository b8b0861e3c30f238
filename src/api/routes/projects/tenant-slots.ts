import type { FastifyReply, FastifyRequest } from 'fastify';
import { createConcurrencyLimiter } from '../../concurrency-limiter.js';
import { httpError } from '../../http-error.js';

/** Long enough for a large body to finish arriving and being stored. */
const RETRY_AFTER_SECONDS = 5;

/**
 * Route hooks that let each tenant have at most `limit` of the route's requests in this process
 * at once, counted from before the body is read until the answer is sent (or the client gives
 * up); one more is answered 429 with Retry-After. Run `onRequest` after authentication.
 */
export function tenantSlots(limit: number, what: string) {
  const limiter = createConcurrencyLimiter(limit);
  const releases = new WeakMap<FastifyRequest, () => void>();
  const release = async (request: FastifyRequest) => releases.get(request)?.();
  return {
    async onRequest(request: FastifyRequest, reply: FastifyReply) {
      const releaseSlot = limiter.tryAcquire(request.caller.tenantId);
      if (!releaseSlot) {
        void reply.header('retry-after', String(RETRY_AFTER_SECONDS));
        throw httpError(429, 'too-many-requests', `at most ${limit} ${what} of a tenant are received at once; retry after ${RETRY_AFTER_SECONDS} s`);
      }
      releases.set(request, releaseSlot);
    },
    onResponse: release,
    onRequestAbort: release,
  };
}
