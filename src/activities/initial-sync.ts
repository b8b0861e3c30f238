import { Context } from '@temporalio/activity';
import type { Db } from '../db/connection.js';
import { blobsRepository } from '../db/repositories/blobs.js';
import { importTreesRepository } from '../db/repositories/import-trees.js';
import { projectSyncStateRepository } from '../db/repositories/project-sync-state.js';
import { projectsRepository, type Project } from '../db/repositories/projects.js';
import { snapshotsRepository } from '../db/repositories/snapshots.js';
import { syncOperationsRepository } from '../db/repositories/sync-operations.js';
import type { ProjectGitHub } from '../github/project-client.js';
import { readTreeInParts } from '../github/recursive-tree.js';
import { githubFailure } from '../github/sync-failure.js';
import type { SyncErrorCode } from '../shared/error-codes.js';
import type { ImportCheckpoint } from '../shared/import-checkpoint.js';
import type { InitialSyncResult } from '../shared/initial-sync.js';
import { UnsafeArchiveError } from '../sync/archive-limits.js';
import { filterKey } from '../sync/file-filter.js';
import { importCommit } from '../sync/import-commit.js';
import type { ImportProgress } from '../sync/import-types.js';
import { IntegrityMismatchError } from '../sync/integrity-mismatch-error.js';
import { completeSnapshot } from './complete-snapshot.js';
import type { ActivityDeps } from './deps.js';
import { endedStatus } from './ended-status.js';
import { permanentFailure } from './failures.js';
import { githubSources } from './github-sources.js';
import { guardBlobStore, withDatabase } from './outage.js';
import { SYNC_STALL_MS, withHeartbeat } from './progress-heartbeat.js';

export interface RepositoryHead {
  owner: string;
  repo: string;
  branch: string;
  /** Null for an empty repository (no commits yet). */
  commitSha: string | null;
  treeSha: string | null;
}

/** How often the import stores how far it got, for the status API. */
const PROGRESS_INTERVAL_MS = 1_000;

export function createInitialSyncActivities(deps: ActivityDeps) {
  const { db, github, log } = deps;
  const blobs = guardBlobStore(deps.blobs);
  const projects = projectsRepository(db);
  const operations = syncOperationsRepository(db);
  const snapshots = snapshotsRepository(db);
  const syncState = projectSyncStateRepository(db);
  const blobIndex = blobsRepository(db);
  const importTrees = importTreesRepository(db);

  async function loadProject(projectId: string): Promise<Project> {
    const project = await withDatabase(() => projects.findById(projectId));
    if (!project) throw permanentFailure('not-found', `project ${projectId} no longer exists`);
    return project;
  }

  async function connect(project: Project): Promise<ProjectGitHub> {
    try {
      // A fleet's imports are bulk work: they leave budget and slots to pushes, polls and people.
      return await github(project, { priority: project.fleet_id ? 'bulk' : 'interactive' });
    } catch (error) {
      throw githubFailure(error, `${project.owner}/${project.repo}`);
    }
  }

  return {
    /** Opens the operation row and marks the project as syncing. Idempotent per workflow run. */
    async startSync({ projectId, kind, operationId }: { projectId: string; kind: 'initial' | 'incremental'; operationId: string }): Promise<{ operationId: string }> {
      const { workflowId, runId } = workflowOf(Context.current());
      await loadProject(projectId);
      return withDatabase(async () => {
        const operation = await operations.open({ id: operationId, projectId, kind, direction: 'inbound', workflowId, runId });
        await syncState.markSyncing(projectId, operation.started_at);
        return { operationId: operation.id };
      });
    },

    /**
     * Reads which commit to import: the project's branch, or the repository's default branch as
     * GitHub reports it (never assumed), and that commit's tree.
     */
    async resolveHead({ projectId, operationId }: { projectId: string; operationId: string }): Promise<RepositoryHead> {
      const project = await loadProject(projectId);
      const client = await connect(project);
      const { owner, repo } = project;
      try {
        const { data: repository } = await client.octokit.rest.repos.get({ owner, repo });
        const branch = project.branch ?? repository.default_branch;
        const head = await readBranchHead(client, owner, repo, branch, branch === repository.default_branch);
        await withDatabase(() => projects.recordHead(projectId, { defaultBranch: repository.default_branch, lastRemoteSha: head?.commitSha ?? null }));
        return { owner, repo, branch, commitSha: head?.commitSha ?? null, treeSha: head?.treeSha ?? null };
      } catch (error) {
        throw githubFailure(error, `${owner}/${repo}`);
      } finally {
        await withDatabase(() => operations.addRequests(operationId, client.requests.count));
      }
    },

    /**
     * Streams the commit into the blob store and its manifest into a snapshot, then makes that
     * snapshot current in one transaction. Heartbeats throughout; a retry on another worker
     * carries on from the rows already written. The snapshot is the commit's under the project's
     * current filter: a re-import under the same filter reuses its rows, but only once every blob
     * they name is found in the store (those lost are fetched again by SHA).
     */
    async importSnapshot(input: { projectId: string; operationId: string; head: RepositoryHead & { commitSha: string; treeSha: string } }): Promise<InitialSyncResult> {
      const { projectId, operationId, head } = input;
      const context = Context.current();
      const project = await loadProject(projectId);
      const client = await connect(project);
      const { owner, repo, commitSha, treeSha } = head;
      const reportProgress = progressReporter(db, operationId);
      // Heartbeats only while the import moves: a stream stalled for SYNC_STALL_MS stops them,
      // and the workflow re-runs the import. The details are the checkpoint: how many manifest
      // rows are saved.
      let reportedCheckpoint = false;
      try {
        return await withHeartbeat(context, { stallMs: SYNC_STALL_MS }, async (beat) => {
          const snapshot = await withDatabase(() => snapshots.openForCommit(projectId, commitSha, treeSha, filterKey(project.filter)));
          // The tree goes to the database one GitHub answer at a time; the import reads it back in pages.
          await readTreeInParts(client.octokit, owner, repo, treeSha, async (part) => {
            await withDatabase(() => importTrees.add(snapshot.id, part));
            beat.progressed();
          }).catch((error: unknown) => {
            throw githubFailure(error, `the tree of ${owner}/${repo}@${commitSha}`);
          });
          const tree = importTrees.tree(snapshot.id);
          const result = await importCommit({
            manifest: snapshots,
            blobIndex,
            blobs,
            snapshotId: snapshot.id,
            tree,
            filter: project.filter,
            verifyWritten: true,
            ...(deps.archiveLimits ? { archiveLimits: deps.archiveLimits } : {}),
            signal: context.cancellationSignal,
            sources: githubSources(client, deps.githubApiUrl, { owner, repo, commitSha }),
            onProgress: (progress) => {
              const checkpoint: ImportCheckpoint = { phase: progress.phase, filesSaved: progress.filesSaved };
              if (!reportedCheckpoint) context.heartbeat(checkpoint);
              reportedCheckpoint = true;
              beat.progressed(checkpoint);
              reportProgress(progress);
            },
          });
          const totals = await completeSnapshot(db, {
            projectId,
            operationId,
            snapshotId: snapshot.id,
            commitSha,
            beforeSha: null,
            counts: { added: result.filesStored, modified: 0, removed: 0 },
            bytesUploaded: result.bytesUploaded,
            apiRequests: client.requests.count,
            metadata: { blobsUploaded: result.blobsUploaded, blobsRestored: result.blobsRestored, fetchedOutsideArchive: result.fetchedOutsideArchive.slice(0, 100), fetchedOutsideArchiveCount: result.fetchedOutsideArchive.length },
          });
          // The snapshot's rows now say all the tree did.
          await withDatabase(() => importTrees.drop(snapshot.id));
          log.info('initial sync imported', { projectId, commit: commitSha.slice(0, 7), files: totals.files, uploaded: result.blobsUploaded });
          return {
            operationId,
            commitSha,
            filesTotal: totals.files,
            filesSkipped: totals.skipped,
            blobsUploaded: result.blobsUploaded,
            bytesUploaded: result.bytesUploaded,
            apiRequests: client.requests.count,
            empty: false,
          };
        });
      } catch (error) {
        throw importFailure(error, `${owner}/${repo}@${commitSha.slice(0, 7)}`);
      }
    },

    /** An empty repository imports as an empty snapshot, and says so. */
    async completeEmptySync({ projectId, operationId }: { projectId: string; operationId: string }): Promise<InitialSyncResult> {
      await withDatabase(() =>
        db.transaction().execute(async (trx) => {
          await projectSyncStateRepository(trx).markSynced(projectId, { snapshotId: null, commitSha: null });
          await syncOperationsRepository(trx).finish(operationId, { status: 'succeeded', metadata: JSON.stringify({ empty: true, message: 'the repository has no commits yet' }) });
        }),
      );
      return { operationId, commitSha: null, filesTotal: 0, filesSkipped: 0, blobsUploaded: 0, bytesUploaded: 0, apiRequests: 0, empty: true };
    },

    /**
     * Records a failed sync on the project and its operation, for the UI and the history. A
     * cancelled sync ends `cancelled`, and does not count as a failure in a row: someone chose it.
     */
    async failSync({ projectId, operationId, code, message }: { projectId: string; operationId: string | null; code: SyncErrorCode; message: string }): Promise<void> {
      const status = endedStatus(code);
      await withDatabase(async () => {
        await syncState.markEnded(projectId, { status, code, message });
        if (operationId) await operations.finish(operationId, { status, error_code: code, error_message: message });
      });
    },
  };
}

/** The head commit and tree of a branch, or null when the repository has no commits at all. */
async function readBranchHead(client: ProjectGitHub, owner: string, repo: string, branch: string, isDefault: boolean): Promise<{ commitSha: string; treeSha: string } | null> {
  try {
    const { data } = await client.octokit.rest.repos.getBranch({ owner, repo, branch });
    return { commitSha: data.commit.sha, treeSha: data.commit.commit.tree.sha };
  } catch (error) {
    if ((error as { status?: number }).status !== 404 || !isDefault) throw error;
    // GitHub has no branch object before the first push: an empty repository has no refs at all.
    const { data: refs } = await client.octokit.rest.git.listMatchingRefs({ owner, repo, ref: 'heads/' });
    if (refs.length === 0) return null;
    throw error;
  }
}

function importFailure(error: unknown, what: string) {
  if (error instanceof IntegrityMismatchError) return permanentFailure('integrity-mismatch', error.message, error);
  if (error instanceof UnsafeArchiveError) return permanentFailure('unsafe-archive', `the archive of ${what} is unsafe: ${error.message}`, error);
  return githubFailure(error, what);
}

function workflowOf(context: Context): { workflowId: string; runId: string } {
  const execution = context.info.workflowExecution;
  if (!execution) throw new Error('sync activities run inside a workflow');
  return execution;
}

/** Sends progress to the running workflow at most once per interval (and always the last one). */
/**
 * Stores the import's progress on its operation row, at most about once a second (phase changes
 * at once), one write at a time. Progress is best effort: a lost report never fails the import.
 */
function progressReporter(db: Db, operationId: string): (progress: ImportProgress) => void {
  const operations = syncOperationsRepository(db);
  let lastSent = 0;
  let lastPhase: string | undefined;
  let writing = false;
  return (progress) => {
    const now = Date.now();
    if (writing || (now - lastSent < PROGRESS_INTERVAL_MS && progress.phase === lastPhase)) return;
    lastSent = now;
    lastPhase = progress.phase;
    const { phase, filesDone, filesTotal, bytesDone, bytesTotal, currentPath } = progress;
    writing = true;
    operations
      .recordProgress(operationId, { phase, filesDone, filesTotal, bytesDone, bytesTotal, currentPath })
      .catch(() => {})
      .finally(() => (writing = false));
  };
}
