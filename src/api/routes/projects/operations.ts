import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { syncOperationsRepository } from '../../../db/repositories/sync-operations.js';
import { notFound } from '../../http-error.js';
import { IdParamsSchema, type IdParams } from '../../schemas/common.js';
import { PageQuerySchema, type PageQuery } from '../../schemas/sync.js';
import { presentOperation } from '../../presenters/operation.js';
import { loadProject } from './load-project.js';

const tags = ['sync'];
const security = [{ apiKey: [] }];

/** The sync history of a project: one row per sync or outbound edit, with its SHAs, counts and error. */
export const operationRoutes: FastifyPluginAsync = async (fastify) => {
  const { db } = fastify.deps;
  const operations = syncOperationsRepository(db);

  fastify.get<{ Params: IdParams; Querystring: PageQuery }>(
    '/api/projects/:id/operations',
    {
      schema: {
        tags,
        security,
        summary: 'Sync history, newest first',
        params: IdParamsSchema,
        querystring: PageQuerySchema,
        response: { 200: Type.Object({ operations: Type.Array(Type.Ref('Operation')) }) },
      },
    },
    async (request) => {
      const project = await loadProject(db, request);
      const rows = await operations.listForProject(project.id, request.query);
      return { operations: rows.map(presentOperation) };
    },
  );

  fastify.get<{ Params: IdParams & { operationId: string } }>(
    '/api/projects/:id/operations/:operationId',
    {
      schema: {
        tags,
        security,
        summary: 'One operation',
        params: Type.Intersect([IdParamsSchema, Type.Object({ operationId: Type.String({ format: 'uuid' }) })]),
        response: { 200: Type.Ref('Operation') },
      },
    },
    async (request) => {
      const project = await loadProject(db, request);
      const operation = await operations.findForProject(project.id, request.params.operationId);
      if (!operation) throw notFound(`operation ${request.params.operationId}`);
      return presentOperation(operation);
    },
  );
};
