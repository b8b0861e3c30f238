import fp from 'fastify-plugin';
import { createGitHubClients } from '../../github/project-client.js';
import { credentialBudgetsRepository } from '../../db/repositories/credential-budgets.js';
import { REF_PHASES } from '../../shared/metadata-sync.js';
import { requestMetadataSync } from '../../temporal/metadata-sync.js';
import { startBranchMoveWriter, type BranchMoveWriter } from '../../webhooks/branch-move-writer.js';
import { startRepositoryStateRefresher, type RepositoryStateRefresher } from '../../webhooks/repository-state-refresher.js';
import { startSyncRequestDispatcher, type SyncRequestDispatcher } from '../../webhooks/sync-request-dispatcher.js';

/** What acts on recorded webhook deliveries after the answer, one of each per API process. */
export interface WebhookWorkers {
  dispatcher: SyncRequestDispatcher;
  refresher: RepositoryStateRefresher;
  branchMoves: BranchMoveWriter;
}

declare module 'fastify' {
  interface FastifyInstance {
    webhookWorkers: WebhookWorkers;
  }
}

/**
 * Starts the workers that finish what a webhook delivery asks for once it has been answered, and
 * stops them when the app closes: the webhook route only records and kicks them.
 */
export const webhookWorkersPlugin = fp(
  async (fastify) => {
    const { db, secrets, config, temporal } = fastify.deps;
    // Signalling Temporal costs far more than acknowledging: it happens after the answer, coalesced.
    const dispatcher = startSyncRequestDispatcher({ db, temporal, config, log: fastify.log });
    // Repository state events are applied by re-reading the repository from GitHub, after the answer.
    const github = createGitHubClients({ config: config.github, secrets, ledger: credentialBudgetsRepository(db) });
    const refresher = startRepositoryStateRefresher({ db, github, log: fastify.log, onFollow: () => dispatcher.kick() });
    // Pushed branches are moved in the stored refs after the answer, a short window's pushes at once.
    const branchMoves = startBranchMoveWriter({ db, log: fastify.log, reconcile: (projectId) => requestMetadataSync(temporal, config, projectId, REF_PHASES) });
    fastify.decorate('webhookWorkers', { dispatcher, refresher, branchMoves });
    fastify.addHook('onClose', async () => {
      await branchMoves.stop();
      await refresher.stop();
      await dispatcher.stop();
    });
  },
  { name: 'webhook-workers', dependencies: ['deps'] },
);
