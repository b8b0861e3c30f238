/**
 * The webhook workers (src/webhooks/webhook-workers.ts) in a worker thread of the API process, so
 * the inbox's rounds (a burst's payloads parsed, applied and stamped, a thousand at a time) and
 * their garbage never hold up the event loop that answers deliveries. The thread opens its own
 * connections from the API's configuration; the API thread only kicks it after each recorded
 * delivery (see webhook-workers-host.ts for the messages).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Config } from '../config.js';
import { createSecretBox } from '../crypto/secret-box.js';
import { openDatabase } from '../db/connection.js';
import { createLogger } from '../logger.js';
import { createTemporalClient } from '../temporal/client.js';
import { startWebhookWorkers } from './webhook-workers.js';
import type { HostMessage, ThreadMessage, WebhookWorkersThreadData } from './webhook-workers-host.js';

/** Connections of the inbox's own pool: one applies, one is spare for the installation changes' writes. */
const INBOX_CONNECTIONS = 2;
/** Connections for the dispatcher, the refresher and the branch-move writer. */
const SHARED_CONNECTIONS = 4;

if (!parentPort) throw new Error('webhook-workers-thread runs as a worker thread of the API');
const port = parentPort;
const { config, logLevel, inboxStopped } = workerData as WebhookWorkersThreadData;
const send = (message: ThreadMessage) => port.postMessage(message);

try {
  await run(config);
} catch (error) {
  send({ type: 'failed', message: (error as Error).stack ?? String(error) });
}

async function run(config: Config): Promise<void> {
  if (!config.databaseUrl || !config.temporal.address || !config.encryptionKey) throw new Error('the webhook workers thread needs DATABASE_URL, TEMPORAL_ADDRESS and REPOSYNC_ENCRYPTION_KEY');
  const log = createLogger({ logLevel }, { component: 'webhook-workers' });
  const db = await openDatabase({ url: config.databaseUrl, maxConnections: SHARED_CONNECTIONS });
  const inboxDb = await openDatabase({ url: config.databaseUrl, maxConnections: INBOX_CONNECTIONS });
  const temporal = createTemporalClient({ ...config.temporal, address: config.temporal.address });
  const secrets = createSecretBox(Buffer.from(config.encryptionKey), config.previousEncryptionKeys.map((key) => Buffer.from(key)));
  const workers = startWebhookWorkers({ db, inboxDb, secrets, config, temporal, log });
  // A thread started again after its inbox was stopped keeps it stopped (before its first round).
  if (inboxStopped) void workers.inbox.stop();
  let stopping: Promise<void> | undefined;
  port.on('message', (message: HostMessage) => {
    if (message.type === 'kick') workers.inbox.kick();
    else if (message.type === 'stop-inbox') void workers.inbox.stop().then(() => send({ type: 'inbox-stopped' }));
    else if (message.type === 'stop') {
      stopping ??= (async () => {
        await workers.stop();
        await Promise.all([db.destroy(), inboxDb.destroy(), temporal.connection.close()]);
      })();
      void stopping.then(
        () => {
          send({ type: 'stopped' });
          port.close();
        },
        (error: unknown) => send({ type: 'failed', message: (error as Error).stack ?? String(error) }),
      );
    }
  });
  send({ type: 'ready' });
}
