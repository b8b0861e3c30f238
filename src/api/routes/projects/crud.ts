import { Type } from '@sinclair/typebox';
import type { FastifyBaseLogger, FastifyPluginAsync } from 'fastify';
import { createGitHubClients } from '../../../github/project-client.js';
import { credentialBudgetsRepository } from '../../../db/repositories/credential-budgets.js';
import { connectWebhook } from '../../../webhooks/connect-webhook.js';
import { unlinkProject } from './unlink-project.js';
import { issuesRepository } from '../../../db/repositories/issues.js';
import { DuplicateProjectError, newProjectRow, projectsRepository, type ProjectChanges } from '../../../db/repositories/projects.js';
import { httpError, notFound } from '../../http-error.js';
import { presentProject } from '../../presenters/project.js';
import { conflictResponse, IdParamsSchema, type IdParams } from '../../schemas/common.js';
import {
  CreateProjectSchema,
  ProjectListQuerySchema,
  ProjectListSchema,
  ProjectViewSchema,
  UpdateProjectSchema,
  type CreateProjectBody,
  type ProjectListQuery,
  type UpdateProjectBody,
} from '../../schemas/projects.js';

const tags = ['projects'];
const security = [{ apiKey: [] }];

/** POST/GET/PATCH/DELETE /api/projects[/:id], each scoped to the caller's tenant. */
export const projectCrudRoutes: FastifyPluginAsync = async (fastify) => {
  const { db, secrets, config } = fastify.deps;
  const projects = projectsRepository(db);
  const github = createGitHubClients({ config: config.github, secrets, ledger: credentialBudgetsRepository(db) });
  const webhookDeps = (log: FastifyBaseLogger) => ({ db, secrets, config, github, log });

  /** Turns the credential fields of a request into columns (its schema allows only one kind). */
  function credentialColumns(body: { token?: string; installationId?: number }): ProjectChanges {
    if (body.installationId !== undefined) {
      if (config.github.appId === undefined) {
        throw httpError(400, 'bad-request', 'installationId needs a GitHub App: the server has no GITHUB_APP_ID configured');
      }
      return { auth_kind: 'app', installation_id: body.installationId, token_ciphertext: null };
    }
    if (body.token !== undefined) return { auth_kind: 'token', installation_id: null, token_ciphertext: secrets.seal(body.token) };
    return {};
  }

  async function findOr404(tenantId: string, id: string) {
    const project = await projects.findForTenant(tenantId, id);
    // Another tenant's project answers exactly like a missing one.
    if (!project) throw notFound(`project ${id}`);
    return project;
  }

  fastify.post<{ Body: CreateProjectBody }>(
    '/api/projects',
    {
      schema: { tags, security, summary: 'Link a GitHub repository', body: CreateProjectSchema, response: { 201: Type.Ref('Project'), ...conflictResponse } },
    },
    async (request, reply) => {
      const { owner, repo, branch, syncMode, filter = {}, metadata = {} } = request.body;
      const credentials = credentialColumns(request.body);
      try {
        const project = await projects.create(
          newProjectRow({
            tenantId: request.caller.tenantId,
            owner,
            repo,
            branch: branch ?? null,
            credentials: { auth_kind: 'none', installation_id: null, token_ciphertext: null, ...credentials },
            ...(syncMode ? { syncMode } : {}),
            filter,
            metadata,
          }),
        );
        request.log.info({ projectId: project.id, repository: `${owner}/${repo}` }, 'project linked');
        return reply.status(201).send(presentProject(await connectWebhook(webhookDeps(request.log), project)));
      } catch (error) {
        if (error instanceof DuplicateProjectError) throw httpError(409, 'conflict', error.message);
        throw error;
      }
    },
  );

  fastify.get<{ Querystring: ProjectListQuery }>(
    '/api/projects',
    {
      schema: { tags, security, summary: 'List projects', querystring: ProjectListQuerySchema, response: { 200: ProjectListSchema } },
    },
    async (request) => {
      const { limit, offset } = request.query;
      const { projects: rows, total } = await projects.listForTenant(request.caller.tenantId, { limit, offset });
      return { projects: rows.map(presentProject), total, limit, offset };
    },
  );

  fastify.get<{ Params: IdParams }>(
    '/api/projects/:id',
    {
      schema: { tags, security, summary: 'Get a project, with counts of its issues and pull requests', params: IdParamsSchema, response: { 200: ProjectViewSchema } },
    },
    async (request) => {
      const project = await findOr404(request.caller.tenantId, request.params.id);
      return { ...presentProject(project), counts: await issuesRepository(db).counts(project.id) };
    },
  );

  fastify.patch<{ Params: IdParams; Body: UpdateProjectBody }>(
    '/api/projects/:id',
    {
      schema: { tags, security, summary: 'Change a project (metadata parts are merged with the stored setting)', params: IdParamsSchema, body: UpdateProjectSchema, response: { 200: Type.Ref('Project'), ...conflictResponse } },
    },
    async (request) => {
      const { branch, syncMode, filter, enabled, metadata } = request.body;
      const changes: ProjectChanges = {
        ...(branch !== undefined ? { branch } : {}),
        ...(syncMode !== undefined ? { sync_mode: syncMode } : {}),
        ...(filter !== undefined ? { filter: JSON.stringify(filter) } : {}),
        ...(enabled !== undefined ? { enabled } : {}),
        ...credentialColumns(request.body),
      };
      try {
        const project = await projects.updateForTenant(request.caller.tenantId, request.params.id, changes, metadata);
        if (!project) throw notFound(`project ${request.params.id}`);
        return presentProject(project);
      } catch (error) {
        if (error instanceof DuplicateProjectError) throw httpError(409, 'conflict', 'another project already links this repository branch');
        throw error;
      }
    },
  );

  fastify.delete<{ Params: IdParams }>(
    '/api/projects/:id',
    { schema: { tags, security, summary: 'Unlink a project', params: IdParamsSchema, response: { 204: Type.Null() } } },
    async (request, reply) => {
      const project = await findOr404(request.caller.tenantId, request.params.id);
      if (!(await unlinkProject({ ...webhookDeps(request.log), temporal: fastify.deps.temporal }, project))) throw notFound(`project ${request.params.id}`);
      return reply.status(204).send();
    },
  );
};
