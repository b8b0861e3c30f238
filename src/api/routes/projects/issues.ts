import type { FastifyPluginAsync } from 'fastify';
import { commentsRepository } from '../../../db/repositories/comments.js';
import { issuesRepository } from '../../../db/repositories/issues.js';
import { notFound } from '../../http-error.js';
import { presentComment, presentIssue } from '../../presenters/issue.js';
import { IdParamsSchema, type IdParams } from '../../schemas/common.js';
import { IssueDetailSchema, IssuePageSchema, IssueParamsSchema, IssueQuerySchema, type IssueParams, type IssueQuery } from '../../schemas/metadata.js';
import { loadProject } from './load-project.js';

const tags = ['metadata'];
const security = [{ apiKey: [] }];

/** The project's issues as last synced from GitHub, newest number first, a cursor page at a time. */
export const issueRoutes: FastifyPluginAsync = async (fastify) => {
  const { db } = fastify.deps;
  const issues = issuesRepository(db);

  fastify.get<{ Params: IdParams; Querystring: IssueQuery }>(
    '/api/projects/:id/issues',
    {
      schema: { tags, security, summary: 'Issues, filterable by state, label and last update', params: IdParamsSchema, querystring: IssueQuerySchema, response: { 200: IssuePageSchema } },
    },
    async (request) => {
      const project = await loadProject(db, request);
      const { state, label, since, cursor, limit } = request.query;
      const rows = await issues.list(
        project.id,
        { pullRequests: false, ...(state ? { state } : {}), ...(label ? { label } : {}), ...(since ? { since: new Date(since) } : {}) },
        { ...(cursor ? { beforeNumber: Number(cursor) } : {}), limit },
      );
      return { issues: rows.map(presentIssue), nextCursor: rows.length === limit ? String(rows.at(-1)!.number) : null };
    },
  );

  fastify.get<{ Params: IssueParams }>(
    '/api/projects/:id/issues/:number',
    {
      schema: { tags, security, summary: 'One issue with its comments', params: IssueParamsSchema, response: { 200: IssueDetailSchema } },
    },
    async (request) => {
      const project = await loadProject(db, request);
      const issue = await issues.find(project.id, request.params.number);
      if (!issue || issue.is_pull_request) throw notFound(`issue ${request.params.number}`);
      const comments = await commentsRepository(db).forIssue(project.id, 'issue', issue.number);
      return { issue: presentIssue(issue), comments: comments.map(presentComment) };
    },
  );
};
