import fp from 'fastify-plugin';
import { openDatabase } from '../../db/connection.js';
import { startWebhookWorkers } from '../../webhooks/webhook-workers.js';
import { startWebhookWorkersThread, type WebhookWorkersHandle } from '../../webhooks/webhook-workers-host.js';

declare module 'fastify' {
  interface FastifyInstance {
    webhookWorkers: WebhookWorkersHandle;
  }
}

/** Connections of the inbox's own pool when it runs in this thread: one applies, one is spare for the installation changes' writes. */
const INBOX_CONNECTIONS = 2;

/**
 * Starts the workers that finish what a webhook delivery asks for once it has been answered, and
 * stops them when the app closes: the webhook route only records the delivery and kicks the inbox.
 * With PostgreSQL and Temporal configured they run in a worker thread of their own, so applying a
 * burst never delays the answers; embedded (PGlite has a single connection, shared) they run here.
 */
export const webhookWorkersPlugin = fp(
  async (fastify) => {
    const { db, secrets, config, temporal } = fastify.deps;
    const threaded = config.databaseUrl && config.temporal.address && config.encryptionKey && config.webhookWorkersThread;
    let workers: WebhookWorkersHandle | undefined;
    if (threaded) {
      // The thread logs as this process does: silent when this app logs nothing.
      const logLevel = fastify.log.level === 'silent' || !fastify.log.level ? 'silent' : config.logLevel;
      workers = await startWebhookWorkersThread({ config, logLevel }, fastify.log).catch((error: Error) => {
        fastify.log.warn({ err: error.message }, 'the webhook workers run in the API thread: their own thread could not start');
        return undefined;
      });
    }
    if (!workers) {
      // The inbox applies on connections of its own, so a burst being applied never makes an
      // answer's INSERT wait for a pooled connection (embedded PGlite has one connection: shared).
      const inboxDb = config.databaseUrl ? await openDatabase({ url: config.databaseUrl, maxConnections: INBOX_CONNECTIONS }) : db;
      const local = startWebhookWorkers({ db, inboxDb, secrets, config, temporal, log: fastify.log });
      workers = {
        inbox: local.inbox,
        async stop() {
          await local.stop();
          if (inboxDb !== db) await inboxDb.destroy();
        },
      };
    }
    const running = workers;
    fastify.decorate('webhookWorkers', running);
    fastify.addHook('onClose', () => running.stop());
  },
  { name: 'webhook-workers', dependencies: ['deps'] },
);
