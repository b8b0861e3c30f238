import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { fleetsRepository, type Fleet } from '../../db/repositories/fleets.js';
import { fleetCredential } from '../../fleets/list-repositories.js';
import { createGitHubClients } from '../../github/project-client.js';
import { credentialBudgetsRepository } from '../../db/repositories/credential-budgets.js';
import { startFleetSync, stopFleetSync } from '../../temporal/fleet-sync.js';
import { httpError, notFound } from '../http-error.js';
import { presentFleet } from '../presenters/fleet.js';
import { fleetCredentialKey, presentFleetBudget } from '../../fleets/fleet-budget.js';
import { presentProject } from '../presenters/project.js';
import { IdParamsSchema, type IdParams } from '../schemas/common.js';
import {
  CreateFleetSchema,
  DeleteFleetQuerySchema,
  FleetProjectPageSchema,
  FleetProjectsQuerySchema,
  type CreateFleetBody,
  type DeleteFleetQuery,
  type FleetProjectsQuery,
} from '../schemas/fleets.js';
import { unlinkProject } from './projects/unlink-project.js';

const tags = ['fleets'];
const security = [{ apiKey: [] }];

/** POST/GET/DELETE /api/fleets[/:id]: every repository of an installation or organisation as projects. */
export const fleetRoutes: FastifyPluginAsync = async (fastify) => {
  const { db, secrets, config, temporal } = fastify.deps;
  const fleets = fleetsRepository(db);
  const budgets = credentialBudgetsRepository(db);
  const github = createGitHubClients({ config: config.github, secrets, ledger: budgets });

  async function fleetBudget(fleet: Fleet) {
    const key = fleetCredentialKey(fleet, secrets);
    return presentFleetBudget(key ? await budgets.get(key) : undefined);
  }

  async function findOr404(tenantId: string, id: string): Promise<Fleet> {
    const fleet = await fleets.findForTenant(tenantId, id);
    // Another tenant's fleet answers exactly like a missing one.
    if (!fleet) throw notFound(`fleet ${id}`);
    return fleet;
  }

  /**
   * Reads the first repository the credential can list, so a fleet GitHub would refuse is refused
   * now, with the reason, rather than failing later in the background. True when there is none.
   */
  async function probeEmpty(body: CreateFleetBody, tokenCiphertext: string | null): Promise<boolean> {
    const credential = fleetCredential({ installation_id: body.installationId ?? null, token_ciphertext: tokenCiphertext });
    try {
      const { octokit } = await github(credential);
      if (body.installationId !== undefined) {
        const { data } = await octokit.request('GET /installation/repositories', { per_page: 1 });
        return data.total_count === 0;
      }
      const { data } = await octokit.request('GET /orgs/{org}/repos', { org: body.org!, type: 'all', per_page: 1 });
      return data.length === 0;
    } catch (error) {
      const status = (error as { status?: number }).status;
      if (body.installationId !== undefined && (status === 404 || status === 401 || status === 403)) {
        throw httpError(404, 'not-found', `installation ${body.installationId} is not visible to this GitHub App (not installed, removed or suspended): GitHub answered ${status}`);
      }
      if (status === 404) throw httpError(404, 'not-found', `organisation ${body.org} not found, or not visible to the token`);
      if (status === 401) throw httpError(400, 'bad-request', 'the token was refused by GitHub (401): it is wrong, expired or revoked');
      if (status === 403) {
        throw httpError(403, 'forbidden', `the token cannot list the repositories of ${body.org}: it needs read access to the organisation's repositories (fine-grained: Metadata read; classic: the repo or read:org scope)`);
      }
      // No answer at all (DNS, refused, timed out): GitHub is unreachable, which is not the caller's fault.
      if (status === undefined || status >= 500) throw httpError(503, 'github-unavailable', `GitHub could not be asked for the repositories: ${(error as Error).message}`);
      throw error;
    }
  }

  fastify.post<{ Body: CreateFleetBody }>(
    '/api/fleets',
    {
      schema: {
        tags,
        security,
        summary: 'Link every repository of a GitHub App installation or an organisation',
        description: '202 while the fleet lists and imports its repositories; 201 for a fleet with no repository. Linking the same installation or organisation again adopts the fleet and its projects.',
        body: CreateFleetSchema,
        response: { 201: Type.Ref('Fleet'), 202: Type.Ref('Fleet'), 403: Type.Ref('Error'), 503: Type.Ref('Error') },
      },
    },
    async (request, reply) => {
      const body = request.body;
      if (body.installationId !== undefined && config.github.appId === undefined) {
        throw httpError(400, 'bad-request', 'installationId needs a GitHub App: the server has no GITHUB_APP_ID configured');
      }
      const tokenCiphertext = body.token ? secrets.seal(body.token) : null;
      const empty = await probeEmpty(body, tokenCiphertext);
      const { fleet, adopted } = await fleets.createOrAdopt({
        tenant_id: request.caller.tenantId,
        installation_id: body.installationId ?? null,
        org: body.org ?? null,
        token_ciphertext: tokenCiphertext,
        include: body.include ?? [],
        exclude: body.exclude ?? [],
        forks: body.forks ?? false,
        archived: body.archived ?? false,
        project_defaults: JSON.stringify({ ...(body.syncMode ? { syncMode: body.syncMode } : {}), ...(body.filter ? { filter: body.filter } : {}), ...(body.metadata ? { metadata: body.metadata } : {}) }),
        max_concurrent_imports: body.maxConcurrentImports ?? 4,
        on_repository_removed: body.onRepositoryRemoved ?? 'keep',
      });
      request.log.info({ fleetId: fleet.id, installationId: fleet.installation_id, org: fleet.org, adopted, empty }, 'fleet linked');
      if (empty) {
        await fleets.recordListing(fleet.id, 0);
        await fleets.setStatus(fleet.id, 'ready');
        const ready = (await fleets.find(fleet.id))!;
        return reply.status(201).send(presentFleet(ready, await fleets.counts(fleet.id), await fleetBudget(ready)));
      }
      await startFleetSync(temporal, config, fleet.id);
      return reply.status(202).send(presentFleet(fleet, await fleets.counts(fleet.id), await fleetBudget(fleet)));
    },
  );

  fastify.get<{ Params: IdParams }>(
    '/api/fleets/:id',
    { schema: { tags, security, summary: 'A fleet, with its projects by sync state and an ETA', params: IdParamsSchema, response: { 200: Type.Ref('Fleet') } } },
    async (request) => {
      const fleet = await findOr404(request.caller.tenantId, request.params.id);
      return presentFleet(fleet, await fleets.counts(fleet.id), await fleetBudget(fleet));
    },
  );

  fastify.get<{ Params: IdParams; Querystring: FleetProjectsQuery }>(
    '/api/fleets/:id/projects',
    {
      schema: { tags, security, summary: "The fleet's projects, in pages", params: IdParamsSchema, querystring: FleetProjectsQuerySchema, response: { 200: FleetProjectPageSchema } },
    },
    async (request) => {
      const fleet = await findOr404(request.caller.tenantId, request.params.id);
      const { cursor, limit } = request.query;
      const rows = await fleets.listProjects(fleet.id, { ...(cursor ? { after: cursor } : {}), limit });
      return { projects: rows.map(presentProject), nextCursor: rows.length === limit ? rows.at(-1)!.id : null };
    },
  );

  fastify.delete<{ Params: IdParams; Querystring: DeleteFleetQuery }>(
    '/api/fleets/:id',
    {
      schema: { tags, security, summary: 'Unlink a fleet; its projects are kept on their own or removed too', params: IdParamsSchema, querystring: DeleteFleetQuerySchema, response: { 204: Type.Null() } },
    },
    async (request, reply) => {
      const fleet = await findOr404(request.caller.tenantId, request.params.id);
      await stopFleetSync(temporal, fleet.id, 'fleet unlinked');
      if (request.query.projects === 'remove') {
        const deps = { db, secrets, config, github, log: request.log, temporal };
        for (let page = await fleets.listProjects(fleet.id, { limit: 100 }); page.length > 0; page = await fleets.listProjects(fleet.id, { limit: 100 })) {
          for (const project of page) await unlinkProject(deps, project);
        }
      }
      await fleets.remove(request.caller.tenantId, fleet.id);
      return reply.status(204).send();
    },
  );
};
