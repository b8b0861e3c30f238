import { Type } from '@sinclair/typebox';
import type { FastifyBaseLogger, FastifyPluginAsync } from 'fastify';
import { fleetsRepository } from '../../db/repositories/fleets.js';
import { projectRequestsRepository } from '../../db/repositories/project-requests.js';
import { startFleetSync, stopFleetSync } from '../../temporal/fleet-sync.js';
import { installationChangeFor, type InstallationChange } from '../../webhooks/installation-events.js';
import { unlinkProject } from './projects/unlink-project.js';
import { projectsRepository, type Project } from '../../db/repositories/projects.js';
import { createGitHubClients } from '../../github/project-client.js';
import { credentialBudgetsRepository } from '../../db/repositories/credential-budgets.js';
import { webhookDeliveriesRepository } from '../../db/repositories/webhook-deliveries.js';
import { syncOperationsRepository } from '../../db/repositories/sync-operations.js';
import { metadataEnabled, REF_PHASES } from '../../shared/metadata-sync.js';
import { requestMetadataSync } from '../../temporal/metadata-sync.js';
import { metadataUpdateFor, refUpdateFor } from '../../webhooks/metadata-events.js';
import { projectUpdateFor, storedRepository, type ProjectUpdate, type WebhookPayload } from '../../webhooks/repository-events.js';
import { verifySignature } from '../../webhooks/verify-signature.js';
import { httpError } from '../http-error.js';
import { WebhookAckSchema, WebhookHeadersSchema, type WebhookHeaders } from '../schemas/webhooks.js';

/** GitHub caps webhook payloads at 25 MB: https://docs.github.com/webhooks/webhook-events-and-payloads#payload-cap */
const MAX_PAYLOAD_BYTES = 25 * 1024 * 1024;

/**
 * POST /api/webhooks/github: authenticated by signature, not API key. Answers in milliseconds:
 * it verifies, deduplicates by delivery GUID and records; it never waits for sync work.
 */
export const webhookRoutes: FastifyPluginAsync = async (fastify) => {
  const { db, secrets, config } = fastify.deps;
  const projects = projectsRepository(db);
  const requests = projectRequestsRepository(db);
  const deliveries = webhookDeliveriesRepository(db);
  const operations = syncOperationsRepository(db);
  const clients = createGitHubClients({ config: config.github, secrets, ledger: credentialBudgetsRepository(db) });
  const fleets = fleetsRepository(db);
  const { dispatcher, refresher, branchMoves } = fastify.webhookWorkers;

  // The signature covers the exact bytes, so this route keeps the body raw.
  fastify.addContentTypeParser(['application/json', 'application/x-www-form-urlencoded'], { parseAs: 'buffer', bodyLimit: MAX_PAYLOAD_BYTES }, (_request, body, done) => done(null, body));

  fastify.post<{ Headers: WebhookHeaders }>(
    '/api/webhooks/github',
    {
      bodyLimit: MAX_PAYLOAD_BYTES,
      schema: {
        tags: ['webhooks'],
        summary: 'GitHub webhook deliveries (signed with X-Hub-Signature-256)',
        headers: WebhookHeadersSchema,
        // Signed by GitHub, not by an API key: a signature that does not verify is a 401.
        response: { 200: WebhookAckSchema, 202: WebhookAckSchema, 401: Type.Ref('Error') },
      },
    },
    async (request, reply) => {
      const { 'x-github-event': event, 'x-github-delivery': deliveryId, 'x-hub-signature-256': signature } = request.headers;
      const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const payload = parsePayload(raw, header(request.headers['content-type']) ?? '');
      request.log = request.log.child({ deliveryId, event });

      // Projects are looked up under the name they know the repository by (before a rename).
      const stored = storedRepository(event, payload);
      const linked = stored ? await projects.findByRepository(stored.owner, stored.repo) : [];
      const appSecretValid = config.github.webhookSecret !== undefined && verifySignature(config.github.webhookSecret, raw, signature);
      // Only projects of the repository the payload names: a signature made with another
      // project's secret never reaches them.
      const verified = appSecretValid ? linked : linked.filter((project) => projectSecretVerifies(project, raw, signature));
      if (!appSecretValid && verified.length === 0) throw httpError(401, 'unauthorized', 'the X-Hub-Signature-256 signature does not verify');

      // Installation events name no repository: only the App's own secret can vouch for them.
      const installation = appSecretValid ? installationChangeFor(event, payload) : null;
      const outcome = installation ? fleetOutcome(installation, request.log) : await handle(event, payload, verified);
      // Recorded, then applied, outside a transaction: a transaction would hold the project row's
      // lock across both, and at 200 deliveries/s for a few projects that serialises every
      // request (measured: ack p50 55 ms → 2.3 s). An apply that fails after recording leaves the
      // push to the poll, which finds every moved head within one interval.
      const first = await deliveries.recordOnce({ deliveryId, event, projectId: verified[0]?.id ?? null, outcome: outcome.name });
      if (!first) {
        request.log.info('redelivery acknowledged and ignored');
        return reply.status(200).send({ delivery: deliveryId, event, outcome: 'duplicate' });
      }
      await outcome.apply();
      request.log.info({ outcome: outcome.name, projects: verified.map((project) => project.id) }, 'webhook accepted');
      return reply.status(event === 'ping' ? 200 : 202).send({ delivery: deliveryId, event, outcome: outcome.name });
    },
  );

  /**
   * Asks the project's metadata sync to read a change its payload cannot describe; the delivery is
   * answered without waiting, and a request that fails is left to the poll's next metadata round.
   */
  function reconcileMetadata(projectId: string): void {
    requestMetadataSync(fastify.deps.temporal, config, projectId, REF_PHASES).catch((error: Error) => fastify.log.warn({ projectId, err: error.message }, 'could not start the metadata sync a webhook asked for'));
  }

  /**
   * What an installation change does to the fleets following the installation: gained
   * repositories (or permissions) list the fleet again; lost ones stop or unlink their projects
   * as the fleet says; a suspended or deleted installation stops every project of its fleets
   * with a status saying why, and unsuspending starts them again.
   */
  function fleetOutcome(change: InstallationChange, log: FastifyBaseLogger): { name: string; apply(): Promise<void> } {
    return {
      name: `installation-${change.kind}`,
      apply: async () => {
        for (const fleet of await fleets.findByInstallation(change.installationId)) {
          if (fleet.status === 'deleted') continue;
          switch (change.kind) {
            case 'relist':
              if (fleet.status !== 'suspended') await startFleetSync(fastify.deps.temporal, config, fleet.id);
              break;
            case 'repositories-removed': {
              const lost = await fleets.projectsOf(fleet.id, change.repositories);
              if (fleet.on_repository_removed === 'remove') {
                for (const project of lost) await unlinkProject({ db, secrets, config, github: clients, log, temporal: fastify.deps.temporal }, project);
              } else {
                await fleets.setProjectsEnabled(fleet.id, { enabled: false, code: 'removed-from-installation', reason: `installation ${change.installationId} no longer grants this repository` }, lost.map((p) => p.id));
              }
              break;
            }
            case 'suspended':
            case 'deleted': {
              const reason = change.kind === 'suspended' ? `installation ${change.installationId} is suspended on GitHub` : `installation ${change.installationId} was removed from GitHub`;
              await stopFleetSync(fastify.deps.temporal, fleet.id, reason);
              await fleets.setStatus(fleet.id, change.kind, reason);
              await fleets.setProjectsEnabled(fleet.id, { enabled: false, code: `installation-${change.kind}`, reason });
              break;
            }
            case 'unsuspended':
              await fleets.setProjectsEnabled(fleet.id, { enabled: true });
              await fleets.setStatus(fleet.id, 'importing');
              await startFleetSync(fastify.deps.temporal, config, fleet.id);
              break;
          }
        }
      },
    };
  }

  function projectSecretVerifies(project: Project, raw: Buffer, signature: string): boolean {
    if (!project.webhook_secret_ciphertext) return false;
    return verifySignature(secrets.open(project.webhook_secret_ciphertext), raw, signature);
  }

  /** What a delivery means for the projects it verified against; applied only on first delivery. */
  async function handle(event: string, payload: WebhookPayload, targets: Project[]): Promise<{ name: string; apply(): Promise<void> }> {
    if (event === 'ping') return { name: 'pong', apply: async () => {} };
    const metadata = metadataUpdateFor(event, payload);
    if (metadata) {
      const enabled = targets.filter((project) => metadataEnabled(project.metadata, metadata.setting));
      if (enabled.length === 0 && targets.length > 0) return { name: 'metadata-switched-off', apply: async () => {} };
      return { name: metadata.name, apply: async () => void (await Promise.all(enabled.map((project) => metadata.apply(db, project.id)))) };
    }
    const updates = await Promise.all(
      targets.flatMap((project) => {
        const update = projectUpdateFor(event, payload, project);
        return update ? [suppressEcho(project, update)] : [];
      }),
    );
    // A deleted branch or tag also leaves the stored refs, a pushed branch moves; a created one or
    // a pushed tag is reconciled.
    const refs = refUpdateFor(event, payload);
    const refTargets = refs ? targets.filter((project) => metadataEnabled(project.metadata, refs.setting)) : [];
    const applyRefs = async () => {
      const move = refs?.move;
      if (move) for (const project of refTargets) branchMoves.record(project.id, move, { commits: metadataEnabled(project.metadata, 'commits') });
      await Promise.all(refTargets.map((project) => refs!.apply(db, project.id)));
      if (refs?.reconcile) for (const project of refTargets) reconcileMetadata(project.id);
    };
    if (updates.length === 0) return refTargets.length > 0 ? { name: refs!.name, apply: applyRefs } : { name: 'ignored', apply: async () => {} };
    const names = [...new Set(updates.map(({ update }) => update.outcome))];
    return {
      name: names.join(','),
      apply: async () => {
        await applyRefs();
        for (const { project, update } of updates) {
          try {
            await requests.recordDelivery(project.id, { changes: update.changes, follow: update.follow, refresh: update.refresh === true });
          } catch (error) {
            // e.g. a rename onto a repository another project of the tenant already links.
            if (!isUniqueViolation(error)) throw error;
            fastify.log.warn({ projectId: project.id, outcome: update.outcome }, 'a repository change collides with another project; left as it was');
          }
        }
        if (updates.some(({ update }) => update.follow)) dispatcher.kick();
        if (updates.some(({ update }) => update.refresh)) refresher.kick();
      },
    };
  }

  /**
   * The push GitHub sends for a commit our own OutboundSync wrote (recorded before its ref moved)
   * is not followed: that operation moves our snapshot to it, so there is nothing to import.
   */
  async function suppressEcho(project: Project, update: ProjectUpdate): Promise<{ project: Project; update: ProjectUpdate }> {
    if (!update.follow || !update.sha || !(await operations.isOutboundCommit(project.id, update.sha))) return { project, update };
    return { project, update: { ...update, outcome: 'own-outbound-commit', follow: false } };
  }
};

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string }).code === '23505';
}

function header(value: string | string[] | undefined): string | undefined {
  const single = Array.isArray(value) ? value[0] : value;
  return single && single.trim() !== '' ? single : undefined;
}

/** JSON, or the form encoding GitHub uses when a hook is set to `form` (`payload=<json>`). */
function parsePayload(raw: Buffer, contentType: string): WebhookPayload {
  try {
    const text = contentType.startsWith('application/x-www-form-urlencoded') ? (new URLSearchParams(raw.toString('utf8')).get('payload') ?? '') : raw.toString('utf8');
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    return parsed as WebhookPayload;
  } catch {
    throw httpError(400, 'bad-request', 'the webhook body is not a JSON object');
  }
}
