import type { FastifyPluginAsync } from 'fastify';
import { recordOutboundRequest } from '../../../outbound/record-outbound-request.js';
import { ChangeValidationError } from '../../../outbound/validate-changes.js';
import { httpError } from '../../http-error.js';
import { IdempotencyHeadersSchema, idempotencyHooks, idempotencyResponses } from '../../idempotency/idempotency-key.js';
import { conflictResponse, IdParamsSchema, tooManyRequestsResponse, type IdParams } from '../../schemas/common.js';
import { OutboundAcceptedSchema, OutboundRequestSchema, type OutboundAccepted, type OutboundRequestBody } from '../../schemas/outbound.js';
import { loadProject } from './load-project.js';
import { tenantSlots } from './tenant-slots.js';

const tags = ['outbound'];
const security = [{ apiKey: [] }];

/**
 * POST /api/projects/:id/outbound: an edit of a project whose initial import has finished, recorded
 * and handed to the project's writer by recordOutboundRequest; a rejected request changes nothing.
 */
export const outboundRoutes: FastifyPluginAsync = async (fastify) => {
  const { db, blobs, temporal, config } = fastify.deps;
  // A body is held several times over while it is parsed, decoded and stored (JSON text, parsed
  // strings, decoded buffers): the size cap and the per-tenant slots bound that memory.
  const slots = tenantSlots(config.outbound.maxConcurrentPerTenant, 'outbound edits');
  const idempotent = idempotencyHooks(db);

  fastify.post<{ Params: IdParams; Body: OutboundRequestBody }>(
    '/api/projects/:id/outbound',
    {
      onRequest: slots.onRequest,
      onResponse: slots.onResponse,
      onRequestAbort: slots.onRequestAbort,
      ...idempotent,
      bodyLimit: config.outbound.maxBodyBytes,
      schema: {
        tags,
        security,
        summary: 'Commit edits to GitHub (direct commit, pull request, or hybrid)',
        params: IdParamsSchema,
        body: OutboundRequestSchema,
        headers: IdempotencyHeadersSchema,
        response: { 202: OutboundAcceptedSchema, ...conflictResponse, ...tooManyRequestsResponse, ...idempotencyResponses },
      },
    },
    async (request, reply) => {
      const project = await loadProject(db, request);
      const { current_snapshot_id: snapshotId, last_synced_sha: baseSha } = project;
      if (!snapshotId || !baseSha) throw httpError(409, 'conflict', 'initial sync required: POST /api/projects/:id/sync/initial first');
      if (project.archived) throw httpError(409, 'conflict', `${project.owner}/${project.repo} is archived on GitHub, so it is read-only`);
      const recorded = await recordOutboundRequest({ db, blobs, temporal, config, log: request.log }, { ...project, current_snapshot_id: snapshotId, last_synced_sha: baseSha }, request.body).catch((error: unknown) => {
        throw error instanceof ChangeValidationError ? httpError(400, 'bad-request', error.message) : error;
      });
      const accepted: OutboundAccepted = { ...recorded, status: 'pending' };
      return reply.status(202).send(accepted);
    },
  );
};
