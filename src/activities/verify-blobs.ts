import { Context } from '@temporalio/activity';
import { blobsRepository } from '../db/repositories/blobs.js';
import { projectsRepository, type Project } from '../db/repositories/projects.js';
import { snapshotsRepository } from '../db/repositories/snapshots.js';
import { syncOperationsRepository } from '../db/repositories/sync-operations.js';
import { githubFailure } from '../github/sync-failure.js';
import type { SyncErrorCode } from '../shared/error-codes.js';
import type { VerifyResult } from '../shared/verify.js';
import { checkBlob } from '../storage/check-blob.js';
import { restoreBlobs, type LostBlob } from '../sync/restore-blobs.js';
import { runBounded } from '../sync/run-bounded.js';
import type { ActivityDeps } from './deps.js';
import { permanentFailure } from './failures.js';
import { githubSources } from './github-sources.js';
import { guardBlobStore, withDatabase } from './outage.js';
import { withHeartbeat } from './progress-heartbeat.js';
import { endedStatus } from './ended-status.js';

/** Blobs read back and hashed at once: each is a whole GET, so fewer than an import's HEADs. */
const CHECK_CONCURRENCY = 8;

/**
 * Verify's work: every blob the current snapshot stores is read back and hashed as git does; a
 * blob absent from the store or holding other bytes is fetched again by SHA from GitHub. The
 * outcome is an operation of kind `verify` with the counts.
 */
export function createVerifyActivities(deps: ActivityDeps) {
  const { db, github, log } = deps;
  const blobs = guardBlobStore(deps.blobs);
  const operations = syncOperationsRepository(db);
  const snapshots = snapshotsRepository(db);
  const blobIndex = blobsRepository(db);

  return {
    /** Opens the verify operation; idempotent per workflow run. The project's sync status is left alone. */
    async startVerify({ projectId, operationId }: { projectId: string; operationId: string }): Promise<void> {
      const execution = Context.current().info.workflowExecution;
      if (!execution) throw new Error('verify activities run inside a workflow');
      const { workflowId, runId } = execution;
      await withDatabase(() => operations.open({ id: operationId, projectId, kind: 'verify', direction: 'inbound', workflowId, runId }));
    },

    async verifyBlobs({ projectId, operationId }: { projectId: string; operationId: string }): Promise<VerifyResult> {
      const context = Context.current();
      const project = await withDatabase(() => projectsRepository(db).findById(projectId));
      if (!project) throw permanentFailure('not-found', `project ${projectId} no longer exists`);
      const snapshot = project.current_snapshot_id ? await withDatabase(() => snapshots.findById(project.current_snapshot_id!)) : undefined;
      if (!snapshot) throw permanentFailure('invalid-input', 'initial sync required: the project has no snapshot to verify');
      // Verify reports no progress until a blob is read back whole, and one large blob may take
      // longer than any stall limit: its heartbeats only say that the worker is alive.
      return withHeartbeat(context, { stallMs: Number.POSITIVE_INFINITY }, async () => {
        const stored = await withDatabase(() => snapshots.storedBlobs(snapshot.id));
        const damaged: LostBlob[] = [];
        await runBounded(stored, CHECK_CONCURRENCY, async (blob) => {
          const state = await checkBlob(blobs, blob.sha, blob.size);
          if (state !== 'ok') damaged.push({ ...blob, corrupt: state === 'corrupt' });
        });
        await withDatabase(() => blobIndex.markMissing(damaged));
        const { restored, mismatched, apiRequests } = await repair(project, snapshot.commit_sha, damaged);
        await withDatabase(() => blobIndex.record(restored));
        const corrupt = damaged.filter((blob) => blob.corrupt).length;
        const counts = { checked: stored.length, missing: damaged.length - corrupt, corrupt, repaired: restored.length, unrepaired: mismatched.length };
        const failure = mismatched.length > 0 ? { code: 'integrity-mismatch' satisfies SyncErrorCode, message: `GitHub serves bytes that do not hash to their blob SHA for: ${mismatched.map((blob) => blob.path).slice(0, 20).join(', ')}` } : undefined;
        await withDatabase(() =>
          operations.finish(operationId, {
            status: failure ? 'failed' : 'succeeded',
            before_sha: snapshot.commit_sha,
            after_sha: snapshot.commit_sha,
            bytes: restored.reduce((sum, blob) => sum + blob.size, 0),
            error_code: failure?.code ?? null,
            error_message: failure?.message ?? null,
            apiRequestsDelta: apiRequests,
            metadata: JSON.stringify({ ...counts, repairedPaths: restored.slice(0, 100).map((blob) => blob.path), unrepairedPaths: mismatched.slice(0, 100).map((blob) => blob.path) }),
          }),
        );
        log.info('verify finished', { projectId, commit: snapshot.commit_sha.slice(0, 7), ...counts });
        return { operationId, commitSha: snapshot.commit_sha, ...counts };
      });
    },

    async failVerify({ operationId, code, message }: { operationId: string; code: SyncErrorCode; message: string }): Promise<void> {
      await withDatabase(() => operations.finish(operationId, { status: endedStatus(code), error_code: code, error_message: message }));
    },
  };

  /** Fetches the damaged blobs again from GitHub by SHA (no request at all when none is). */
  async function repair(project: Project, commitSha: string, damaged: LostBlob[]) {
    if (damaged.length === 0) return { restored: [], mismatched: [], apiRequests: 0 };
    const what = `${project.owner}/${project.repo}@${commitSha.slice(0, 7)}`;
    try {
      const client = await github(project);
      const outcome = await restoreBlobs(blobs, githubSources(client, deps.githubApiUrl, { owner: project.owner, repo: project.repo, commitSha }), damaged);
      return { ...outcome, apiRequests: client.requests.count };
    } catch (error) {
      throw githubFailure(error, what);
    }
  }
}
