import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { IllegalStateError } from '@temporalio/common';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { inject } from 'vitest';
import { createGitHubClients } from '../../src/github/project-client.js';
import { credentialBudgetsRepository } from '../../src/db/repositories/credential-budgets.js';
import type { Db } from '../../src/db/connection.js';
import type { BlobStore } from '../../src/storage/blob-store.js';
import type { ArchiveLimits } from '../../src/sync/archive-limits.js';
import { ensurePollSchedule, removePollSchedule } from '../../src/temporal/poll-schedule.js';
import { createWorkers, stopWorkers, type ReposyncWorkers } from '../../src/worker.js';
import { makeCurrentVersion } from '../../src/temporal/deployment-version.js';
import { startGitHubEmulator, type GitHubEmulator } from '@reposync/github-emulator';
import type { Project, SyncStarted, SyncStatus } from './api-answers.js';
import { startApiHarness, type ApiHarness } from './api-harness.js';
import { childRun } from './child-run.js';

export interface SyncHarness extends ApiHarness {
  github: GitHubEmulator;
  /** The in-process workers (main and streaming); absent when the test runs its own worker processes. */
  workers: ReposyncWorkers | undefined;
  /** Environment for a production worker process (`src/worker.ts`) serving this harness. */
  workerProcessEnv(): Record<string, string>;
  /** Starts the production worker entry point (`npm run worker`) as its own process; killed at close. */
  startWorkerProcess(): ChildProcess;
  /** SIGKILLs every worker process still running and waits for each to exit. */
  killWorkerProcesses(): Promise<void>;
  /** Creates a project through the API for a repository of the emulator. */
  link(owner: string, repo: string, body?: Record<string, unknown>): Promise<Project>;
  /** Starts the initial sync through the API and waits for its workflow to end. */
  initialSync(projectId: string): Promise<SyncStatus>;
  close(): Promise<void>;
}

const silent = { info: () => {}, warn: () => {} };

/**
 * The whole stack for sync tests: the API (through app.inject), a real Temporal worker running
 * the production workflows and activities in this process, a GitHub emulator backed by real git
 * repositories, PostgreSQL and S3 — all real, each isolated to this test file.
 */
export interface SyncHarnessOptions {
  /** Settings for the API and worker; a function sees the emulator (for a GitHub App's key). */
  env?: Record<string, string> | ((github: GitHubEmulator) => Record<string, string>);
  /** GitHub Apps the emulator knows. */
  apps?: Array<{ appId: number }>;
  /** Replace what the in-process worker's activities use, to simulate an outage. */
  workerBlobs?: BlobStore;
  workerDb?: Db;
  archiveLimits?: ArchiveLimits;
  emulatorLimits?: Parameters<typeof startGitHubEmulator>[0]['limits'];
  /** false: no worker in this process (the test starts worker processes itself). */
  inProcessWorker?: boolean;
  /** Where the in-process worker's activities log (silent by default). */
  workerLog?: { info(message: string, fields?: Record<string, unknown>): void; warn(message: string, fields?: Record<string, unknown>): void };
  /** Create the polling failsafe's Schedule for this harness's task queue (POLL_INTERVAL_SECONDS). */
  pollSchedule?: boolean;
}

export async function startSyncHarness(options: SyncHarnessOptions = {}): Promise<SyncHarness> {
  const { inProcessWorker = true } = options;
  const root = await mkdtemp(path.join(os.tmpdir(), 'reposync-github-'));
  const github = await startGitHubEmulator({ root, ...(options.emulatorLimits ? { limits: options.emulatorLimits } : {}), ...(options.apps ? { apps: options.apps } : {}) });
  const env = typeof options.env === 'function' ? options.env(github) : options.env;
  const api = await startApiHarness({ GITHUB_API_URL: github.url, ...env });
  installQuietRuntime();
  const connection = await NativeConnection.connect({ address: inject('temporalAddress') });
  const workers = !inProcessWorker ? undefined : await createWorkers({
    connection,
    namespace: 'default',
    taskQueue: api.config.temporal.taskQueue,
    workflowBundlePath: inject('workflowBundlePath'),
    activities: {
      db: options.workerDb ?? api.db,
      blobs: options.workerBlobs ?? api.blobs,
      github: createGitHubClients({ config: api.config.github, secrets: api.secrets, ledger: credentialBudgetsRepository(options.workerDb ?? api.db) }),
      githubApiUrl: api.config.github.apiUrl,
      temporal: api.temporal,
      ...(options.archiveLimits ? { archiveLimits: options.archiveLimits } : {}),
      log: options.workerLog ?? silent,
    },
    streamingActivitySlots: api.config.streamingActivitySlots,
    versioning: api.config.temporal.versioning,
    options: { shutdownGraceTime: '2 seconds' },
  });
  const running = workers?.run();
  if (workers && api.config.temporal.versioning.enabled) await makeCurrentVersion(api.temporal, 'default', workers.version, api.config.temporal.versioning.setCurrentVersion);
  if (options.pollSchedule) await ensurePollSchedule(api.temporal, api.config);

  const workerProcesses: ChildProcess[] = [];
  const killWorkerProcesses = async () => {
    for (const child of workerProcesses) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
    }
  };

  const harness: SyncHarness = {
    ...api,
    github,
    workers,
    workerProcessEnv: () => ({
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      LOG_LEVEL: 'warn',
      DATABASE_URL: api.config.databaseUrl!,
      TEMPORAL_ADDRESS: api.config.temporal.address!,
      TEMPORAL_TASK_QUEUE: api.config.temporal.taskQueue,
      S3_BUCKET: api.s3.bucket,
      S3_ENDPOINT: api.s3.endpoint!,
      S3_FORCE_PATH_STYLE: 'true',
      AWS_ACCESS_KEY_ID: api.s3.accessKeyId!,
      AWS_SECRET_ACCESS_KEY: api.s3.secretAccessKey!,
      REPOSYNC_ENCRYPTION_KEY: api.config.encryptionKey!.toString('hex'),
      GITHUB_API_URL: github.url,
      WORKFLOW_BUNDLE_PATH: inject('workflowBundlePath'),
    }),
    async link(owner, repo, body = {}) {
      const response = await api.app.inject({ method: 'POST', url: '/api/projects', headers: api.auth(), payload: { owner, repo, token: github.token, ...body } });
      if (response.statusCode !== 201) throw new Error(`link failed: ${response.statusCode} ${response.body}`);
      return response.json<Project>();
    },
    async initialSync(projectId) {
      const since = new Date();
      const started = await api.app.inject({ method: 'POST', url: `/api/projects/${projectId}/sync/initial`, headers: api.auth() });
      if (started.statusCode !== 202) throw new Error(`start failed: ${started.statusCode} ${started.body}`);
      const { workflowId } = started.json<SyncStarted>();
      await (await childRun(api.temporal, workflowId, since)).result().catch(() => {});
      const status = await api.app.inject({ method: 'GET', url: `/api/projects/${projectId}/sync/status`, headers: api.auth() });
      return status.json<SyncStatus>();
    },
    startWorkerProcess() {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/worker.ts'], { env: harness.workerProcessEnv(), stdio: ['ignore', 'ignore', 'pipe'] });
      child.stderr!.on('data', () => {});
      workerProcesses.push(child);
      return child;
    },
    killWorkerProcesses,
    async close() {
      await killWorkerProcesses();
      if (options.pollSchedule) await removePollSchedule(api.temporal, api.config.temporal.taskQueue).catch(() => {});
      if (workers && running) await stopWorkers(workers, running);
      await connection.close();
      await api.close();
      await github.close();
      await rm(root, { recursive: true, force: true });
    },
  };
  return harness;
}

let runtimeInstalled = false;
/** The SDK logs every worker state change at INFO; tests only want warnings and errors. */
export function installQuietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch (error) {
    // A test file that installed a runtime of its own (to read the SDK's metrics) keeps it.
    if (!(error instanceof IllegalStateError)) throw error;
  }
}
