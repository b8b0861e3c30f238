import type { FastifyPluginAsync } from 'fastify';
import { requestVerify } from '../../../temporal/project-writer.js';
import { httpError } from '../../http-error.js';
import { IdempotencyHeadersSchema, idempotencyHooks, idempotencyResponses } from '../../idempotency/idempotency-key.js';
import { conflictResponse, IdParamsSchema, type IdParams } from '../../schemas/common.js';
import { SyncStartedSchema, type SyncStarted } from '../../schemas/sync.js';
import { loadProject } from './load-project.js';

const tags = ['sync'];
const security = [{ apiKey: [] }];

/** Starting a verify of the current snapshot's stored blobs; the project's writer runs it. */
export const verifyRoutes: FastifyPluginAsync = async (fastify) => {
  const { db, temporal, config } = fastify.deps;
  const idempotent = idempotencyHooks(db);

  fastify.post<{ Params: IdParams }>(
    '/api/projects/:id/verify',
    {
      ...idempotent,
      schema: {
        tags,
        security,
        summary: 'Check every stored blob of the current snapshot, fetching again from GitHub what is missing or corrupt',
        description:
          'Runs as the workflow `verify/<projectId>` once any sync in progress ends. Its outcome is an operation of kind `verify` in GET /api/projects/:id/operations, with `metadata.checked`, `missing`, `corrupt`, `repaired` and `unrepaired`.',
        params: IdParamsSchema,
        headers: IdempotencyHeadersSchema,
        response: { 202: SyncStartedSchema, ...conflictResponse, ...idempotencyResponses },
      },
    },
    async (request, reply) => {
      const project = await loadProject(db, request);
      if (!project.current_snapshot_id) throw httpError(409, 'conflict', 'initial sync required: there is no snapshot to verify; POST /api/projects/:id/sync/initial first');
      const child = await requestVerify(temporal, db, config, project);
      const started: SyncStarted = { syncId: null, workflowId: child.workflowId, status: 'pending', alreadyRunning: child.alreadyRunning };
      request.log.info({ projectId: project.id, workflowId: child.workflowId, alreadyRunning: child.alreadyRunning }, 'verify requested');
      return reply.status(202).send(started);
    },
  );
};
