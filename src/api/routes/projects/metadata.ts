import type { FastifyPluginAsync } from 'fastify';
import { issuesRepository } from '../../../db/repositories/issues.js';
import { syncStatesRepository } from '../../../db/repositories/sync-states.js';
import { startMetadataSync } from '../../../temporal/metadata-sync.js';
import { IdParamsSchema, type IdParams } from '../../schemas/common.js';
import { MetadataStatusSchema, MetadataSyncAcceptedSchema } from '../../schemas/metadata.js';
import { loadProject } from './load-project.js';

const tags = ['metadata'];
const security = [{ apiKey: [] }];

/** Where each metadata phase stands, the counts derived from the rows, and a way to start a sync. */
export const metadataRoutes: FastifyPluginAsync = async (fastify) => {
  const { db, temporal, config } = fastify.deps;

  fastify.get<{ Params: IdParams }>(
    '/api/projects/:id/metadata',
    { schema: { tags, security, summary: 'Metadata sync state per phase, and issue / pull request counts', params: IdParamsSchema, response: { 200: MetadataStatusSchema } } },
    async (request) => {
      const project = await loadProject(db, request);
      const states = await syncStatesRepository(db).forProject(project.id);
      return {
        phases: states.map((s) => ({
          phase: s.phase,
          etag: s.etag,
          cursor: s.cursor,
          lastSuccessAt: s.last_success_at?.toISOString() ?? null,
          lastErrorCode: s.last_error_code,
          lastErrorAt: s.last_error_at?.toISOString() ?? null,
        })),
        counts: await issuesRepository(db).counts(project.id),
      };
    },
  );

  fastify.post<{ Params: IdParams }>(
    '/api/projects/:id/metadata/sync',
    { schema: { tags, security, summary: 'Start a metadata sync (joins the running one)', params: IdParamsSchema, response: { 202: MetadataSyncAcceptedSchema } } },
    async (request, reply) => {
      const project = await loadProject(db, request);
      const { workflowId, started } = await startMetadataSync(temporal, config, project.id);
      return reply.code(202).send({ workflowId, alreadyRunning: !started });
    },
  );
};
