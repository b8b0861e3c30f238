import fp from 'fastify-plugin';
import { createGitHubClients } from '../../github/project-client.js';
import { credentialBudgetsRepository } from '../../db/repositories/credential-budgets.js';
import { openDatabase } from '../../db/connection.js';
import { REF_PHASES } from '../../shared/metadata-sync.js';
import { requestMetadataSync } from '../../temporal/metadata-sync.js';
import { applyInstallationChange } from '../../webhooks/apply-installation-change.js';
import { startBranchMoveWriter, type BranchMoveWriter } from '../../webhooks/branch-move-writer.js';
import { startRepositoryStateRefresher, type RepositoryStateRefresher } from '../../webhooks/repository-state-refresher.js';
import { startSyncRequestDispatcher, type SyncRequestDispatcher } from '../../webhooks/sync-request-dispatcher.js';
import { startWebhookInbox, type WebhookInbox } from '../../webhooks/webhook-inbox.js';

/** What acts on recorded webhook deliveries after the answer, one of each per API process. */
export interface WebhookWorkers {
  inbox: WebhookInbox;
  dispatcher: SyncRequestDispatcher;
  refresher: RepositoryStateRefresher;
  branchMoves: BranchMoveWriter;
}

declare module 'fastify' {
  interface FastifyInstance {
    webhookWorkers: WebhookWorkers;
  }
}

/** Connections of the inbox's own pool: one applies, one is spare for the installation changes' writes. */
const INBOX_CONNECTIONS = 2;

/**
 * Starts the workers that finish what a webhook delivery asks for once it has been answered, and
 * stops them when the app closes: the webhook route only records the delivery and kicks the inbox.
 */
export const webhookWorkersPlugin = fp(
  async (fastify) => {
    const { db, secrets, config, temporal } = fastify.deps;
    // Signalling Temporal costs far more than acknowledging: it happens after the answer, coalesced.
    const dispatcher = startSyncRequestDispatcher({ db, temporal, config, log: fastify.log });
    // Repository state events are applied by re-reading the repository from GitHub, after the answer.
    const github = createGitHubClients({ config: config.github, secrets, ledger: credentialBudgetsRepository(db) });
    const refresher = startRepositoryStateRefresher({ db, github, log: fastify.log, onFollow: () => dispatcher.kick() });
    const reconcile = (projectId: string) => requestMetadataSync(temporal, config, projectId, REF_PHASES);
    // Pushed branches are moved in the stored refs after the answer, a short window's pushes at once.
    const branchMoves = startBranchMoveWriter({ db, log: fastify.log, reconcile });
    // The inbox applies on connections of its own, so a burst being applied never makes an
    // answer's INSERT wait for a pooled connection (embedded PGlite has one connection: shared).
    const inboxDb = config.databaseUrl ? await openDatabase({ url: config.databaseUrl, maxConnections: INBOX_CONNECTIONS }) : db;
    const inbox = startWebhookInbox({
      db: inboxDb,
      log: fastify.log,
      applyInstallation: (change) => applyInstallationChange({ db: inboxDb, secrets, config, github, log: fastify.log, temporal }, change),
      afterCommit: (after) => {
        for (const { projectId, move, commits } of after.moves) branchMoves.record(projectId, move, { commits });
        for (const projectId of after.reconcile) reconcile(projectId).catch((error: Error) => fastify.log.warn({ projectId, err: error.message }, 'could not start the metadata sync a webhook asked for'));
        if (after.follow) dispatcher.kick();
        if (after.refresh) refresher.kick();
      },
    });
    fastify.decorate('webhookWorkers', { inbox, dispatcher, refresher, branchMoves });
    fastify.addHook('onClose', async () => {
      await inbox.stop();
      await branchMoves.stop();
      await refresher.stop();
      await dispatcher.stop();
      if (inboxDb !== db) await inboxDb.destroy();
    });
  },
  { name: 'webhook-workers', dependencies: ['deps'] },
);
