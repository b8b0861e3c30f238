import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from './activities/index.js';
import { loadConfig, type Config } from './config.js';
import { createGitHubClients } from './github/project-client.js';
import { createLogger, type Logger } from './logger.js';
import { openServices, type Services } from './services.js';
import { createTemporalClient } from './temporal/client.js';
import { ensurePollSchedule } from './temporal/poll-schedule.js';
import { checkSearchAttributes } from './temporal/search-attribute-check.js';
import { temporalTls } from './temporal/connection-options.js';
import { runMain } from './run-main.js';
import { stopOnSignals } from './stop-on-signals.js';

const workflowsPath = fileURLToPath(new URL('./workflows/index.ts', import.meta.url));

export interface CreateWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: ActivityDeps;
  /** A prebuilt bundle (production); absent bundles src/workflows at start. */
  workflowBundlePath?: string | undefined;
  /** Extra worker options, e.g. a shutdown grace time for tests. */
  options?: Partial<WorkerOptions>;
}

/** A Temporal worker running every reposync workflow and activity on one task queue. */
export async function createWorker(options: CreateWorkerOptions): Promise<Worker> {
  const { connection, namespace, taskQueue, workflowBundlePath } = options;
  return Worker.create({
    connection,
    namespace,
    taskQueue,
    activities: createActivities(options.activities),
    ...(workflowBundlePath ? { workflowBundle: { codePath: workflowBundlePath } } : { workflowsPath }),
    // On shutdown, running activities get this long to finish before they are cancelled, and
    // the worker is torn down regardless at the force time: a stop never waits on a stuck task.
    shutdownGraceTime: '8 seconds',
    shutdownForceTime: '12 seconds',
    // A workflow's next task waits this long for the worker that ran its last one before any
    // worker may take it. A live worker polls its sticky queue all the time, so the wait only
    // matters when that worker died (a deploy, OOM): the default 10 s then stalls every one of
    // its workflows, and an import restarted on a new worker, for 10 s per death.
    stickyQueueScheduleToStartTimeout: '3 seconds',
    ...options.options,
  });
}

/** The longest a worker's shutdown may take: its force time, and a margin. */
export const WORKER_STOP_MS = 15_000;

/** Stops polling, lets running tasks finish within the grace time, and waits for `run` to end. */
export async function stopWorker(worker: Worker, run: Promise<void>): Promise<void> {
  if (worker.getState() === 'RUNNING') worker.shutdown();
  await run;
}

/** Builds the activity dependencies from configuration and opened services. */
export function activityDepsFor(config: Config, services: Services, temporal: Client, log: Logger): ActivityDeps {
  const warn = (message: string, fields?: Record<string, unknown>) => log.warn(fields ?? {}, message);
  return {
    db: services.db,
    blobs: services.blobs,
    github: createGitHubClients({ config: config.github, secrets: services.secrets, log: { warn } }),
    githubApiUrl: config.github.apiUrl,
    temporal,
    log: { info: (message, fields) => log.info(fields ?? {}, message), warn },
  };
}

/** `npm run worker`: a worker process for production, stopped cleanly by SIGINT/SIGTERM. */
async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config, { component: 'worker' });
  // We stop the worker ourselves, in order, on SIGINT/SIGTERM (see stopOnSignals).
  Runtime.install({ logger: new DefaultLogger(config.logLevel === 'debug' || config.logLevel === 'trace' ? 'DEBUG' : 'WARN'), shutdownSignals: [] });
  if (!config.temporal.address) throw new Error('TEMPORAL_ADDRESS is required for a standalone worker (npm start runs an embedded one)');
  const stopper = stopOnSignals(log);
  const services = await openServices(config);
  stopper.defer({ name: 'storage and database', timeoutMs: 3_000, run: () => services.close() });
  const tls = temporalTls(config.temporal);
  const connection = await NativeConnection.connect({ address: config.temporal.address, ...(tls ? { tls } : {}) });
  stopper.defer({ name: 'worker connection', timeoutMs: 2_000, run: () => connection.close() });
  const temporal = createTemporalClient({ ...config.temporal, address: config.temporal.address });
  stopper.defer({ name: 'temporal client', timeoutMs: 2_000, run: () => temporal.connection.close() });
  await checkSearchAttributes(temporal, config.temporal.namespace, log);
  const bundle = process.env.WORKFLOW_BUNDLE_PATH;
  const worker = await createWorker({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    activities: activityDepsFor(config, services, temporal, log),
    workflowBundlePath: bundle && existsSync(bundle) ? bundle : undefined,
  });
  const poll = await ensurePollSchedule(temporal, config);
  log.info({ taskQueue: config.temporal.taskQueue, pollSchedule: poll, pollIntervalSeconds: config.poll.intervalSeconds }, 'worker started');
  const running = worker.run();
  stopper.defer({ name: 'worker', timeoutMs: WORKER_STOP_MS, run: () => stopWorker(worker, running) });
  // A worker that fails on its own (not stopped by a signal) ends the process with its error.
  await running.catch((error: unknown) => {
    if (!stopper.stopping) throw error;
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) runMain(main);
