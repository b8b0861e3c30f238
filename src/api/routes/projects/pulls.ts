import type { FastifyPluginAsync } from 'fastify';
import { commentsRepository } from '../../../db/repositories/comments.js';
import { issuesRepository } from '../../../db/repositories/issues.js';
import { notFound } from '../../http-error.js';
import { presentComment } from '../../presenters/issue.js';
import { presentPull, presentReviewComment } from '../../presenters/pull.js';
import { IdParamsSchema, type IdParams } from '../../schemas/common.js';
import { IssueParamsSchema, type IssueParams } from '../../schemas/metadata.js';
import { PullDetailSchema, PullPageSchema, PullQuerySchema, type PullQuery } from '../../schemas/pulls.js';
import { loadProject } from './load-project.js';

const tags = ['metadata'];
const security = [{ apiKey: [] }];

/** The project's pull requests as last synced from GitHub, newest number first, a cursor page at a time. */
export const pullRoutes: FastifyPluginAsync = async (fastify) => {
  const { db } = fastify.deps;
  const issues = issuesRepository(db);

  fastify.get<{ Params: IdParams; Querystring: PullQuery }>(
    '/api/projects/:id/pulls',
    {
      schema: { tags, security, summary: 'Pull requests, filterable by state and base branch', params: IdParamsSchema, querystring: PullQuerySchema, response: { 200: PullPageSchema } },
    },
    async (request) => {
      const project = await loadProject(db, request);
      const { state, base, cursor, limit } = request.query;
      const rows = await issues.list(
        project.id,
        { pullRequests: true, ...(state !== 'all' ? { state } : {}), ...(base ? { base } : {}) },
        { ...(cursor ? { beforeNumber: Number(cursor) } : {}), limit },
      );
      return { pulls: rows.map(presentPull), nextCursor: rows.length === limit ? String(rows.at(-1)!.number) : null };
    },
  );

  fastify.get<{ Params: IssueParams }>(
    '/api/projects/:id/pulls/:number',
    {
      schema: { tags, security, summary: 'One pull request with its comments and review comments', params: IssueParamsSchema, response: { 200: PullDetailSchema } },
    },
    async (request) => {
      const project = await loadProject(db, request);
      const pull = await issues.findWithPull(project.id, request.params.number);
      if (!pull?.is_pull_request) throw notFound(`pull request ${request.params.number}`);
      const comments = commentsRepository(db);
      const [conversation, review] = await Promise.all([comments.forIssue(project.id, 'issue', pull.number), comments.forIssue(project.id, 'review', pull.number)]);
      return { pull: presentPull(pull), comments: conversation.map(presentComment), reviewComments: review.map(presentReviewComment) };
    },
  );
};
