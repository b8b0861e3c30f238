import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
import type { WorkerDeploymentVersion } from '@temporalio/common';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from './activities/index.js';
import { loadConfig, type Config } from './config.js';
import { createGitHubClients } from './github/project-client.js';
import { credentialBudgetsRepository } from './db/repositories/credential-budgets.js';
import { createLogger, type Logger } from './logger.js';
import { openServices, type Services } from './services.js';
import { createTemporalClient } from './temporal/client.js';
import { ensureGcSchedule } from './temporal/gc-schedule.js';
import { ensurePollSchedule } from './temporal/poll-schedule.js';
import { buildIdOf, makeCurrentVersion, versionLabel } from './temporal/deployment-version.js';
import { installWorkerRuntime } from './temporal/runtime.js';
import { checkSearchAttributes } from './temporal/search-attribute-check.js';
import { temporalTls } from './temporal/connection-options.js';
import { bundleWorkflows } from './temporal/workflow-bundle.js';
import { runMain } from './run-main.js';
import { stopOnSignals } from './stop-on-signals.js';
import { streamingTaskQueue } from './shared/task-queue.js';

export interface CreateWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: ActivityDeps;
  /** Streaming activities this process runs at once, on the streaming task queue. */
  streamingActivitySlots: number;
  /** A prebuilt bundle (production); absent bundles src/workflows at start. */
  workflowBundlePath?: string | undefined;
  /** The deployment the workers join, and whether runs are routed by version. */
  versioning: Pick<Config['temporal']['versioning'], 'deploymentName' | 'buildId' | 'enabled' | 'behavior'>;
  /** Extra options for both workers, e.g. a shutdown grace time for tests. */
  options?: Partial<WorkerOptions>;
}

/**
 * The two Temporal workers of a reposync process: `main` runs every workflow, bookkeeping and
 * polling on the task queue; `streaming` runs only the long activities, on the streaming task
 * queue, `streamingActivitySlots` at a time.
 */
export interface ReposyncWorkers {
  main: Worker;
  streaming: Worker;
  /** The deployment version both serve. */
  version: WorkerDeploymentVersion;
  /** Runs both until they stop; ends with the first one's error. */
  run(): Promise<void>;
}

export async function createWorkers(options: CreateWorkerOptions): Promise<ReposyncWorkers> {
  const { connection, namespace, taskQueue, workflowBundlePath, versioning } = options;
  const activities = createActivities(options.activities);
  const code = workflowBundlePath ? readFileSync(workflowBundlePath, 'utf8') : await bundleWorkflows();
  const version: WorkerDeploymentVersion = { deploymentName: versioning.deploymentName, buildId: versioning.buildId ?? buildIdOf(code) };
  const shared = {
    connection,
    namespace,
    // Both workers are one version of the deployment: a run's activities go to its own version.
    workerDeploymentOptions: versioning.enabled
      ? { version, useWorkerVersioning: true, defaultVersioningBehavior: versioning.behavior === 'pinned' ? 'PINNED' : 'AUTO_UPGRADE' }
      : { version, useWorkerVersioning: false },
    // On shutdown, running activities get this long to finish before they are cancelled, and
    // the worker is torn down regardless at the force time: a stop never waits on a stuck task.
    shutdownGraceTime: '8 seconds',
    shutdownForceTime: '12 seconds',
  } satisfies Partial<WorkerOptions>;
  const main = await Worker.create({
    ...shared,
    taskQueue,
    // Every activity, the long ones too: a run scheduled them here before they had a queue of
    // their own, and such a run may still be open.
    activities,
    workflowBundle: { code },
    // A workflow's next task waits this long for the worker that ran its last one before any
    // worker may take it. A live worker polls its sticky queue all the time, so the wait only
    // matters when that worker died (a deploy, OOM): the default 10 s then stalls every one of
    // its workflows, and an import restarted on a new worker, for 10 s per death.
    stickyQueueScheduleToStartTimeout: '3 seconds',
    ...options.options,
  });
  const streaming = await Worker.create({
    ...shared,
    taskQueue: streamingTaskQueue(taskQueue),
    activities,
    maxConcurrentActivityTaskExecutions: options.streamingActivitySlots,
    ...options.options,
  });
  return {
    main,
    streaming,
    version,
    run: async () => {
      const runs = [main.run(), streaming.run()];
      try {
        await Promise.all(runs);
      } catch (error) {
        // One stopped on its own: stop the other too, so the process never half-serves.
        for (const worker of [main, streaming]) if (worker.getState() === 'RUNNING') worker.shutdown();
        await Promise.allSettled(runs);
        throw error;
      }
    },
  };
}

/** The longest a worker's shutdown may take: its force time, and a margin. */
export const WORKER_STOP_MS = 15_000;

/** Stops polling, lets running tasks finish within the grace time, and waits for `run` to end. */
export async function stopWorkers(workers: ReposyncWorkers, run: Promise<void>): Promise<void> {
  for (const worker of [workers.main, workers.streaming]) if (worker.getState() === 'RUNNING') worker.shutdown();
  await run;
}

/** Builds the activity dependencies from configuration and opened services. */
export function activityDepsFor(config: Config, services: Services, temporal: Client, log: Logger): ActivityDeps {
  const warn = (message: string, fields?: Record<string, unknown>) => log.warn(fields ?? {}, message);
  return {
    db: services.db,
    blobs: services.blobs,
    github: createGitHubClients({ config: config.github, secrets: services.secrets, log: { warn }, ledger: credentialBudgetsRepository(services.db) }),
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
  installWorkerRuntime({ logLevel: config.logLevel === 'debug' || config.logLevel === 'trace' ? 'DEBUG' : 'WARN', metricsAddress: config.temporal.metricsAddress });
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
  const bundle = config.temporal.workflowBundlePath;
  const workers = await createWorkers({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    activities: activityDepsFor(config, services, temporal, log),
    streamingActivitySlots: config.streamingActivitySlots,
    workflowBundlePath: bundle && existsSync(bundle) ? bundle : undefined,
    versioning: config.temporal.versioning,
  });
  const poll = await ensurePollSchedule(temporal, config);
  const gcSchedule = await ensureGcSchedule(temporal, config);
  log.info({ taskQueue: config.temporal.taskQueue, streamingActivitySlots: config.streamingActivitySlots, pollSchedule: poll, pollIntervalSeconds: config.poll.intervalSeconds, gcSchedule }, 'worker started');
  const running = workers.run();
  stopper.defer({ name: 'worker', timeoutMs: WORKER_STOP_MS, run: () => stopWorkers(workers, running) });
  if (config.temporal.versioning.enabled) {
    const current = await makeCurrentVersion(temporal, config.temporal.namespace, workers.version, config.temporal.versioning.setCurrentVersion);
    log.info({ version: versionLabel(workers.version), current }, current ? 'serving the current deployment version' : 'serving a version that is not current: new runs go to the current one');
  }
  // A worker that fails on its own (not stopped by a signal) ends the process with its error.
  await running.catch((error: unknown) => {
    if (!stopper.stopping) throw error;
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) runMain(main);
