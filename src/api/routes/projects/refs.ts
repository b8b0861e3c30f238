import type { FastifyPluginAsync } from 'fastify';
import { refsRepository } from '../../../db/repositories/refs.js';
import type { RefKind } from '../../../db/schema/index.js';
import { httpError } from '../../http-error.js';
import { IdParamsSchema, type IdParams } from '../../schemas/common.js';
import { RefPageSchema, RefQuerySchema, type RefQuery } from '../../schemas/metadata.js';
import { loadProject } from './load-project.js';

/** A ref cursor is `<kind>:<name>` of the last ref of the previous page. */
function parseCursor(cursor: string): { kind: RefKind; name: string } {
  const [kind, ...rest] = cursor.split(':');
  if ((kind !== 'branch' && kind !== 'tag') || rest.length === 0) throw httpError(400, 'bad-request', 'querystring/cursor is not a nextCursor this API returned');
  return { kind, name: rest.join(':') };
}

/** The project's branches and tags as last listed from GitHub. */
export const refRoutes: FastifyPluginAsync = async (fastify) => {
  const { db } = fastify.deps;
  fastify.get<{ Params: IdParams; Querystring: RefQuery }>(
    '/api/projects/:id/refs',
    {
      schema: { tags: ['metadata'], security: [{ apiKey: [] }], summary: 'Branches and tags', params: IdParamsSchema, querystring: RefQuerySchema, response: { 200: RefPageSchema } },
    },
    async (request) => {
      const project = await loadProject(db, request);
      const { cursor, limit } = request.query;
      const rows = await refsRepository(db).list(project.id, { ...(cursor ? { after: parseCursor(cursor) } : {}), limit });
      const last = rows.at(-1);
      return { refs: rows.map((r) => ({ name: r.name, kind: r.kind, sha: r.sha, protected: r.protected })), nextCursor: rows.length === limit && last ? `${last.kind}:${last.name}` : null };
    },
  );
};
