import type { FastifyPluginAsync } from 'fastify';
import { releasesRepository } from '../../../db/repositories/releases.js';
import { presentRelease } from '../../presenters/release.js';
import { IdParamsSchema, type IdParams } from '../../schemas/common.js';
import { ReleasePageSchema, ReleaseQuerySchema, type ReleaseQuery } from '../../schemas/releases.js';
import { loadProject } from './load-project.js';

/** The project's releases as last listed from GitHub, newest first, a cursor page at a time. */
export const releaseRoutes: FastifyPluginAsync = async (fastify) => {
  const { db } = fastify.deps;
  fastify.get<{ Params: IdParams; Querystring: ReleaseQuery }>(
    '/api/projects/:id/releases',
    {
      schema: { tags: ['metadata'], security: [{ apiKey: [] }], summary: 'Releases with their asset names and sizes', params: IdParamsSchema, querystring: ReleaseQuerySchema, response: { 200: ReleasePageSchema } },
    },
    async (request) => {
      const project = await loadProject(db, request);
      const { cursor, limit } = request.query;
      const rows = await releasesRepository(db).list(project.id, { ...(cursor ? { beforeId: Number(cursor) } : {}), limit });
      return { releases: rows.map(presentRelease), nextCursor: rows.length === limit ? String(rows.at(-1)!.github_id) : null };
    },
  );
};
