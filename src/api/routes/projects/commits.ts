import type { FastifyPluginAsync } from 'fastify';
import { commitsRepository, type CommitRow } from '../../../db/repositories/commits.js';
import { refsRepository } from '../../../db/repositories/refs.js';
import { notFound } from '../../http-error.js';
import { presentCommit } from '../../presenters/commit.js';
import { CommitPageSchema, CommitQuerySchema, type CommitQuery } from '../../schemas/commits.js';
import { IdParamsSchema, type IdParams } from '../../schemas/common.js';
import { loadProject } from './load-project.js';

const UNDATED = 'undated';

/** A commit cursor is `<commit date in ms, or undated>.<sha>` of the last commit of the previous page. */
function cursorOf(row: CommitRow): string {
  return `${row.committed_at?.getTime() ?? UNDATED}.${row.sha}`;
}

/** The schema's pattern has already refused anything but `<digits or undated>.<40 hex>`. */
function parseCursor(cursor: string): { committedAt: Date | null; sha: string } {
  const [date = '', sha = ''] = cursor.split('.');
  return { committedAt: date === UNDATED ? null : new Date(Number(date)), sha };
}

/** The project's commits as last synced from GitHub, newest commit date first, a cursor page at a time. */
export const commitRoutes: FastifyPluginAsync = async (fastify) => {
  const { db } = fastify.deps;

  fastify.get<{ Params: IdParams; Querystring: CommitQuery }>(
    '/api/projects/:id/commits',
    {
      schema: {
        tags: ['metadata'],
        security: [{ apiKey: [] }],
        summary: 'Commits, filterable by ref, commit date and author',
        description: 'Only commits the metadata sync has stored; `ref` follows their stored parents from the commit the branch or tag points at.',
        params: IdParamsSchema,
        querystring: CommitQuerySchema,
        response: { 200: CommitPageSchema },
      },
    },
    async (request) => {
      const project = await loadProject(db, request);
      const { ref, since, until, author, cursor, limit } = request.query;
      const from = ref === undefined ? undefined : await refsRepository(db).resolve(project.id, ref);
      if (ref !== undefined && from === undefined) throw notFound(`ref ${ref}`);
      const rows = await commitsRepository(db).list(
        project.id,
        { ...(from ? { from } : {}), ...(since ? { since: new Date(since) } : {}), ...(until ? { until: new Date(until) } : {}), ...(author ? { author } : {}) },
        { ...(cursor ? { after: parseCursor(cursor) } : {}), limit },
      );
      const last = rows.at(-1);
      return { commits: rows.map(presentCommit), nextCursor: rows.length === limit && last ? cursorOf(last) : null };
    },
  );
};
