import type { Client } from '@temporalio/client';
import type { Config } from '../config.js';
import type { SecretBox } from '../crypto/secret-box.js';
import type { Db } from '../db/connection.js';
import { credentialBudgetsRepository } from '../db/repositories/credential-budgets.js';
import { createGitHubClients } from '../github/project-client.js';
import { REF_PHASES } from '../shared/metadata-sync.js';
import { requestMetadataSync } from '../temporal/metadata-sync.js';
import { applyInstallationChange } from './apply-installation-change.js';
import { startBranchMoveWriter } from './branch-move-writer.js';
import { startRepositoryStateRefresher } from './repository-state-refresher.js';
import { startSyncRequestDispatcher } from './sync-request-dispatcher.js';
import { startWebhookInbox, type WebhookInbox } from './webhook-inbox.js';

export interface WebhookWorkersDeps {
  /** Connections for the dispatcher, the refresher and the branch-move writer. */
  db: Db;
  /** The inbox applier's connections: best a pool of its own, so applying never queues an answer's INSERT. */
  inboxDb: Db;
  secrets: SecretBox;
  config: Config;
  temporal: Client;
  log: { info(fields: object, message: string): void; warn(fields: object, message: string): void };
}

/** What acts on recorded webhook deliveries after the answer: the inbox and those it hands over to. */
export interface WebhookWorkers {
  inbox: WebhookInbox;
  /** Stops the inbox first, then those it hands over to. */
  stop(): Promise<void>;
}

/**
 * Starts the workers that finish what a webhook delivery asks for once it has been answered: the
 * inbox applies deliveries, the dispatcher signals the writers of the projects they concern
 * (coalesced: signalling Temporal costs far more than acknowledging), the refresher re-reads
 * repositories whose state changed, and the branch-move writer moves stored branches, a short
 * window's pushes at once.
 */
export function startWebhookWorkers(deps: WebhookWorkersDeps): WebhookWorkers {
  const { db, inboxDb, secrets, config, temporal, log } = deps;
  const dispatcher = startSyncRequestDispatcher({ db, temporal, config, log });
  const github = createGitHubClients({ config: config.github, secrets, ledger: credentialBudgetsRepository(db) });
  const refresher = startRepositoryStateRefresher({ db, github, log, onFollow: () => dispatcher.kick() });
  const reconcile = (projectId: string) => requestMetadataSync(temporal, config, projectId, REF_PHASES);
  const branchMoves = startBranchMoveWriter({ db, log, reconcile });
  const inbox = startWebhookInbox({
    db: inboxDb,
    log,
    applyInstallation: (change) => applyInstallationChange({ db: inboxDb, secrets, config, github, log, temporal }, change),
    afterCommit: (after) => {
      for (const { projectId, move, commits } of after.moves) branchMoves.record(projectId, move, { commits });
      for (const projectId of after.reconcile) reconcile(projectId).catch((error: Error) => log.warn({ projectId, err: error.message }, 'could not start the metadata sync a webhook asked for'));
      if (after.follow) dispatcher.kick();
      if (after.refresh) refresher.kick();
    },
  });
  return {
    inbox,
    async stop() {
      await inbox.stop();
      await branchMoves.stop();
      await refresher.stop();
      await dispatcher.stop();
    },
  };
}
