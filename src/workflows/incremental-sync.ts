import {
  allHandlersFinished,
  ApplicationFailure,
  CancellationScope,
  condition,
  continueAsNew,
  isCancellation,
  log,
  patched,
  proxyActivities,
  setHandler,
  startChild,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { IncrementalSyncInput, PushNotice } from '../shared/incremental-sync.js';
import { FOLLOW_UP_ALREADY_PENDING, followHeadUpdate, pushSignal } from '../shared/incremental-sync.js';
import { requestInitialSyncUpdate, requestOutboundUpdate, requestVerifyUpdate, requestWorkSignal, type StartedChildRun, type WorkRequest } from '../shared/project-writer.js';
import { projectRunLabels } from '../shared/search-attributes.js';
import type { SyncStatusView } from '../shared/sync-status.js';
import { initialSyncWorkflowId, outboundSyncWorkflowId, verifyWorkflowId } from '../shared/workflow-ids.js';
import { bookkeeping, githubCall, streaming } from './activity-options.js';
import { describeFailure } from './describe-failure.js';
import { initialSync } from './initial-sync.js';
import { outboundSync } from './outbound-sync.js';
import { recordErrorCode } from './search-attributes.js';
import { trackSyncStatus } from './sync-status-view.js';
import { verifyProject } from './verify.js';

/** Work that arrives within this quiet period after the last is served by the same run. */
const LINGER = '2 seconds';
/** Units of work per run before the history is handed to a fresh run (continue-as-new). */
const WORK_PER_RUN = 50;

/** A request that runs as a child workflow: an import from the archive, an outbound commit, or a verify. */
interface ChildJob extends WorkRequest {
  workflowId: string;
  /** Set once the child has started; callers of the update-based requests wait for it. */
  runId?: string;
  startError?: string;
  done: boolean;
}

/** Runs that began before a cancelled incremental sync was recorded replay without that activity. */
const RECORD_CANCELLED_SYNC_PATCH = 'record-cancelled-incremental-sync';

/** Runs that began before the writer released `writer_jobs` rows replay without that activity. */
const RELEASE_WRITER_JOBS_PATCH = 'release-writer-jobs';

/**
 * IncrementalSync (`incremental-sync/<projectId>`) is the project's single writer. It follows
 * pushes itself and runs InitialSync, OutboundSync and Verify as children, one unit of work at a time,
 * so a project's syncs never overlap. Pushes during any work set one flag: a burst of any size
 * costs at most one more sync, to the newest head (read fresh, never taken from the payload).
 */
export async function incrementalSync(input: IncrementalSyncInput): Promise<void> {
  const { projectId, maximumAttempts = 8, heartbeatTimeoutSeconds } = input;
  const { startSync, failSync, releaseWriterJob } = proxyActivities<Activities>(bookkeeping(maximumAttempts));
  const { resolveHead } = proxyActivities<Activities>(githubCall(maximumAttempts));
  const { syncToHead } = proxyActivities<Activities>(streaming(maximumAttempts, heartbeatTimeoutSeconds));

  let pending = input.pending ?? false;
  const queue: ChildJob[] = [];
  const jobs = new Map<string, ChildJob>();
  const status = trackSyncStatus('incremental', 'idle');

  setHandler(pushSignal, () => {
    pending = true;
  });
  // A push while one is pending is refused before it reaches the history: the pending sync reads
  // the newest head anyway. Registering a handler adds no command, so older histories replay as before.
  setHandler(
    followHeadUpdate,
    (_push: PushNotice) => {
      pending = true;
    },
    {
      validator: (_push: PushNotice) => {
        if (pending) throw new Error(FOLLOW_UP_ALREADY_PENDING);
      },
    },
  );

  /** Queues a child job, or joins the one with the same workflow id that is queued or running. */
  function enqueue({ kind, operationId }: WorkRequest): { job: ChildJob; joined: boolean } {
    const workflowId = kind === 'initial' ? initialSyncWorkflowId(projectId) : kind === 'verify' ? verifyWorkflowId(projectId) : outboundSyncWorkflowId(projectId, operationId!);
    const existing = jobs.get(workflowId);
    if (existing && !existing.done) return { job: existing, joined: true };
    const job: ChildJob = { kind, workflowId, done: false, ...(operationId ? { operationId } : {}) };
    jobs.set(workflowId, job);
    queue.push(job);
    return { job, joined: false };
  }
  setHandler(requestWorkSignal, (request) => void enqueue(request));
  for (const request of input.queued ?? []) enqueue(request);

  /** The update-based requests of the earlier release: queued alike, answered once the child has started. */
  async function enqueueAndAwaitStart(request: WorkRequest): Promise<StartedChildRun> {
    const { job, joined } = enqueue(request);
    await condition(() => job.runId !== undefined || job.done);
    if (job.runId === undefined) throw ApplicationFailure.create({ type: 'internal', message: `${job.workflowId} could not start: ${job.startError ?? 'unknown reason'}`, nonRetryable: true });
    return { workflowId: job.workflowId, runId: job.runId, alreadyRunning: joined };
  }
  setHandler(requestInitialSyncUpdate, () => enqueueAndAwaitStart({ kind: 'initial' }));
  setHandler(requestOutboundUpdate, ({ operationId }) => enqueueAndAwaitStart({ kind: 'outbound', operationId }));
  setHandler(requestVerifyUpdate, () => enqueueAndAwaitStart({ kind: 'verify' }));

  async function runChild(job: ChildJob): Promise<boolean> {
    // Children carry the writer's labels: the same project, tenant and repository, their own kind.
    const labels = projectRunLabels(projectId, job.kind, input.labels);
    try {
      const child =
        job.kind === 'initial'
          ? await startChild(initialSync, { workflowId: job.workflowId, args: [{ projectId, maximumAttempts, ...(heartbeatTimeoutSeconds ? { heartbeatTimeoutSeconds } : {}) }], workflowExecutionTimeout: '6 hours', ...labels })
          : job.kind === 'verify'
            ? await startChild(verifyProject, { workflowId: job.workflowId, args: [{ projectId, maximumAttempts }], workflowExecutionTimeout: '6 hours', ...labels })
            : await startChild(outboundSync, { workflowId: job.workflowId, args: [{ projectId, operationId: job.operationId!, maximumAttempts }], ...labels });
      job.runId = child.firstExecutionRunId;
      await child.result();
      return true;
    } catch (error) {
      if (isCancellation(error)) throw error;
      // The child recorded its own failure (status, operation); the writer carries on serving.
      log.warn('child sync failed', { workflowId: job.workflowId, error: (error as Error).message });
      if (job.runId === undefined) job.startError = (error as Error).message;
      return false;
    } finally {
      // Done first: a request arriving from here on queues a new job rather than joining this one.
      job.done = true;
      if (patched(RELEASE_WRITER_JOBS_PATCH)) {
        await releaseWriterJob({ workflowId: job.workflowId }).catch((error: unknown) => {
          if (isCancellation(error)) throw error;
          log.warn('could not release the writer job', { workflowId: job.workflowId, error: (error as Error).message });
        });
      }
    }
  }

  async function followHead(): Promise<void> {
    beginSync(status);
    status.operationId = uuid4();
    try {
      await startSync({ projectId, kind: 'incremental', operationId: status.operationId });
      const head = await resolveHead({ projectId, operationId: status.operationId });
      if (head.commitSha === null || head.treeSha === null) throw ApplicationFailure.create({ type: 'not-found', message: `branch ${head.branch} has no commits`, nonRetryable: true });
      status.commitSha = head.commitSha;
      status.phase = 'streaming';
      await syncToHead({ projectId, operationId: status.operationId, head: { ...head, commitSha: head.commitSha, treeSha: head.treeSha } });
      recordErrorCode(null);
    } catch (error) {
      if (isCancellation(error)) {
        // The writer itself was cancelled mid-sync: record how the sync ended before the run
        // ends, from a scope the cancellation does not reach, so the project is not left
        // `syncing`. Runs older than this recording replay without it.
        if (patched(RECORD_CANCELLED_SYNC_PATCH)) {
          const cancelled = { code: 'cancelled' as const, message: 'the sync was cancelled before it finished' };
          status.lastError = cancelled;
          await CancellationScope.nonCancellable(() => failSync({ projectId, operationId: status.operationId!, ...cancelled })).catch(() => {
            // The database is what failed: the status API reads the cancelled run from Temporal.
          });
        }
        throw error;
      }
      const failure = describeFailure(error);
      status.lastError = failure;
      recordErrorCode(failure.code);
      try {
        await failSync({ projectId, operationId: status.operationId, ...failure });
      } catch {
        // Nothing recorded the failure: end the run failed, so the status API reads it from Temporal.
        throw ApplicationFailure.create({ type: failure.code, message: failure.message, nonRetryable: true, cause: error as Error });
      }
      // Recorded; the next push or poll tries again.
    } finally {
      status.phase = 'idle';
    }
  }

  let served = 0;
  // Queued requests are served before the run ends; any that arrive in its last moments are carried over.
  while ((served < WORK_PER_RUN && !workflowInfo().continueAsNewSuggested) || queue.length > 0) {
    if (!(await condition(() => queue.length > 0 || pending, LINGER))) break;
    served += 1;
    const job = queue.shift();
    if (job) {
      const succeeded = await runChild(job);
      // A failed import leaves nothing to apply pushes to; the next import reads the head anew.
      if (!succeeded && job.kind === 'initial') pending = false;
    } else {
      pending = false;
      await followHead();
    }
  }
  await condition(allHandlersFinished);
  const queued = queue.map(({ kind, operationId }) => ({ kind, ...(operationId ? { operationId } : {}) }));
  const idle = !pending && queued.length === 0 && served < WORK_PER_RUN && !workflowInfo().continueAsNewSuggested;
  if (!idle) await continueAsNew<typeof incrementalSync>({ ...input, pending, queued });
}

/** Resets the status view for a new incremental sync. */
function beginSync(status: SyncStatusView): void {
  Object.assign(status, { kind: 'incremental', phase: 'resolving', operationId: null, commitSha: null, filesDone: 0, filesTotal: 0, bytesDone: 0, bytesTotal: 0, currentPath: null, lastError: null, startedAt: new Date().toISOString() });
}
