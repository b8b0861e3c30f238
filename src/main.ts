import path from 'node:path';
import { NativeConnection } from '@temporalio/worker';
import { buildServer } from './api/server.js';
import { loadConfig } from './config.js';
import { startTemporalDevServer, type TemporalDevServer } from './embedded/temporal-dev-server.js';
import { freePort } from './embedded/wait-for-port.js';
import { createLogger } from './logger.js';
import { runMain } from './run-main.js';
import { ensureAdminApiKey, openServices } from './services.js';
import { stopOnSignals } from './stop-on-signals.js';
import { createTemporalClient } from './temporal/client.js';
import { ensureGcSchedule } from './temporal/gc-schedule.js';
import { ensurePollSchedule } from './temporal/poll-schedule.js';
import { makeCurrentVersion } from './temporal/deployment-version.js';
import { installWorkerRuntime, workerMetricsUrl } from './temporal/runtime.js';
import { checkSearchAttributes } from './temporal/search-attribute-check.js';
import { activityDepsFor, createWorkers, stopWorkers, WORKER_STOP_MS } from './worker.js';

/**
 * `npm start`: everything in one command on embedded defaults — a local Temporal dev server
 * (with its Web UI) unless TEMPORAL_ADDRESS is set, PGlite under DATA_DIR unless DATABASE_URL is
 * set, blobs on the filesystem unless S3_BUCKET is set — then the worker and the API in this
 * process (PGlite is single-process, so they share its one connection).
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config, { component: 'reposync' });
  // The SDK's own logs only from warnings up; its metrics join the API's at /metrics.
  const metricsAddress = config.temporal.metricsAddress ?? `127.0.0.1:${await freePort()}`;
  installWorkerRuntime({ logLevel: 'WARN', metricsAddress });
  const stopper = stopOnSignals(log);
  let devServer: TemporalDevServer | undefined;
  if (!config.temporal.address) {
    log.info('starting the local Temporal dev server');
    devServer = await startTemporalDevServer({
      cliPath: config.temporal.cliPath,
      dbFile: path.join(config.dataDir, 'temporal.sqlite'),
      port: config.temporal.devServerPort,
      uiPort: config.temporal.uiPort,
      namespace: config.temporal.namespace,
      log: (line) => log.debug({ source: 'temporal' }, line),
    });
  }
  // The dev server stops last: the worker hands its tasks back to it while stopping.
  if (devServer) stopper.defer({ name: 'temporal dev server', timeoutMs: 6_000, run: devServer.stop });
  const address = config.temporal.address ?? devServer!.address;
  const services = await openServices(config);
  stopper.defer({ name: 'storage and database', timeoutMs: 3_000, run: () => services.close() });
  const adminKey = await ensureAdminApiKey(config, services.db);
  const temporal = createTemporalClient({ ...config.temporal, address });
  stopper.defer({ name: 'temporal client', timeoutMs: 2_000, run: () => temporal.connection.close() });
  await checkSearchAttributes(temporal, config.temporal.namespace, log);
  const connection = await NativeConnection.connect({ address });
  stopper.defer({ name: 'worker connection', timeoutMs: 2_000, run: () => connection.close() });
  const workers = await createWorkers({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    activities: activityDepsFor(config, services, temporal, log),
    streamingActivitySlots: config.streamingActivitySlots,
    versioning: config.temporal.versioning,
  });
  const workerRun = workers.run();
  stopper.defer({ name: 'worker', timeoutMs: WORKER_STOP_MS, run: () => stopWorkers(workers, workerRun) });
  // An embedded Temporal has no worker but ours: it always serves the current version.
  if (config.temporal.versioning.enabled) await makeCurrentVersion(temporal, config.temporal.namespace, workers.version, devServer ? 'always' : config.temporal.versioning.setCurrentVersion);
  await ensurePollSchedule(temporal, config);
  await ensureGcSchedule(temporal, config);
  const server = await buildServer({ config, db: services.db, blobs: services.blobs, temporal, secrets: services.secrets, workerMetricsUrl: workerMetricsUrl(metricsAddress) });
  // The API stops first: no request starts work the stopping worker would not take.
  stopper.defer({ name: 'api', timeoutMs: 5_000, run: () => server.close() });
  await server.listen({ port: config.port, host: config.host });

  const apiUrl = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}`;
  process.stdout.write(
    [
      '',
      'reposync is running',
      `  API            ${apiUrl}`,
      `  API docs       ${apiUrl}/docs`,
      `  Status page    ${apiUrl}/`,
      `  Temporal UI    ${devServer?.uiUrl ?? `(external Temporal at ${address})`}`,
      `  Admin API key  ${adminKey ?? '(set REPOSYNC_BOOTSTRAP_API_KEY)'}`,
      `  Data           ${config.dataDir}`,
      '  Stop with Ctrl-C.',
      '',
    ].join('\n') + '\n',
  );
}

runMain(main);
