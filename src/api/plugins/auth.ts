import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { apiKeysRepository, type Caller } from '../../db/repositories/api-keys.js';
import { httpError } from '../http-error.js';

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller;
  }
  interface FastifyInstance {
    authenticate(request: FastifyRequest, reply: FastifyReply): Promise<void>;
  }
}

const BEARER = /^Bearer\s+(\S+)$/i;

/**
 * Bearer API keys, stored hashed: `fastify.authenticate` guards every /api/projects and /api/fleets
 * route (one hook, in routes/api-key-routes.ts) and the status page's settings; the webhook is signed.
 * Keys are looked up by hash; an absent, malformed, unknown or revoked key is the same 401.
 */
export const authPlugin = fp(
  async (fastify) => {
    const keys = apiKeysRepository(fastify.deps.db);
    fastify.decorateRequest('caller', null as unknown as Caller);
    fastify.decorate('authenticate', async (request: FastifyRequest, reply: FastifyReply) => {
      const match = BEARER.exec(request.headers.authorization ?? '');
      const caller = match?.[1] ? await keys.authenticate(match[1]) : undefined;
      if (!caller) {
        void reply.header('www-authenticate', 'Bearer realm="reposync"');
        throw httpError(401, 'unauthorized', 'a valid API key is required: Authorization: Bearer <key>');
      }
      request.caller = caller;
      request.log = request.log.child({ tenantId: caller.tenantId });
    });
  },
  { name: 'auth', dependencies: ['deps'] },
);
