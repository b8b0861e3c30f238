import type { FastifyPluginAsync } from 'fastify';
import { fleetRoutes } from './fleets.js';
import { commitRoutes } from './projects/commits.js';
import { projectCrudRoutes } from './projects/crud.js';
import { projectEventRoutes } from './projects/events.js';
import { fileRoutes } from './projects/files.js';
import { issueRoutes } from './projects/issues.js';
import { metadataRoutes } from './projects/metadata.js';
import { operationRoutes } from './projects/operations.js';
import { outboundRoutes } from './projects/outbound.js';
import { pullRoutes } from './projects/pulls.js';
import { refRoutes } from './projects/refs.js';
import { releaseRoutes } from './projects/releases.js';
import { syncRoutes } from './projects/sync.js';
import { verifyRoutes } from './projects/verify.js';

/**
 * Every /api/projects and /api/fleets route, behind one authentication hook: a request without a
 * valid API key is answered 401 before any of their own hooks run, and `request.caller` is set
 * for all of them. The hook is scoped to this plugin, so health, the webhook receiver and the
 * status page are untouched by it.
 */
export const apiKeyRoutes: FastifyPluginAsync = async (fastify) => {
  fastify.addHook('onRequest', fastify.authenticate);
  await fastify.register(projectCrudRoutes);
  await fastify.register(fleetRoutes);
  await fastify.register(syncRoutes);
  await fastify.register(operationRoutes);
  await fastify.register(fileRoutes);
  await fastify.register(outboundRoutes);
  await fastify.register(verifyRoutes);
  await fastify.register(metadataRoutes);
  await fastify.register(projectEventRoutes);
  await fastify.register(issueRoutes);
  await fastify.register(refRoutes);
  await fastify.register(commitRoutes);
  await fastify.register(pullRoutes);
  await fastify.register(releaseRoutes);
};
