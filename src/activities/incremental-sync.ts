import { Context } from '@temporalio/activity';
import { blobsRepository } from '../db/repositories/blobs.js';
import { projectSyncStateRepository } from '../db/repositories/project-sync-state.js';
import { projectsRepository } from '../db/repositories/projects.js';
import { snapshotsRepository } from '../db/repositories/snapshots.js';
import { syncOperationsRepository } from '../db/repositories/sync-operations.js';
import { readRecursiveTree, type TreeEntry } from '../github/recursive-tree.js';
import { githubFailure } from '../github/sync-failure.js';
import type { IncrementalSyncResult } from '../shared/incremental-sync.js';
import { UnsafeArchiveError } from '../sync/archive-limits.js';
import { filterKey } from '../sync/file-filter.js';
import { importCommit } from '../sync/import-commit.js';
import { memoryImportTree } from '../sync/import-tree.js';
import { IntegrityMismatchError } from '../sync/integrity-mismatch-error.js';
import { carryOverUnchanged } from './carry-over-unchanged.js';
import { completeSnapshot } from './complete-snapshot.js';
import type { ActivityDeps } from './deps.js';
import { permanentFailure } from './failures.js';
import { githubSources } from './github-sources.js';
import type { RepositoryHead } from './initial-sync.js';
import { guardBlobStore, withDatabase } from './outage.js';
import { SYNC_STALL_MS, withHeartbeat } from './progress-heartbeat.js';

/** Above this many changed files the zipball is cheaper than one blob request per file. */
const BLOB_BY_BLOB_MAX = 50;

export interface TreeChange {
  added: TreeEntry[];
  modified: TreeEntry[];
  removed: string[];
  unchanged: string[];
  /** Removed paths whose exact content reappears under a new path. */
  renamed: Array<{ from: string; to: string }>;
}

/** The difference between a snapshot's rows and a commit's tree, by path, blob SHA and mode. */
export function diffTree(previous: Array<{ path: string; sha: string; mode: string }>, tree: TreeEntry[]): TreeChange {
  const before = new Map(previous.map((row) => [row.path, row]));
  const change: TreeChange = { added: [], modified: [], removed: [], unchanged: [], renamed: [] };
  for (const entry of tree) {
    const old = before.get(entry.path);
    if (!old) change.added.push(entry);
    else if (old.sha !== entry.sha || old.mode !== entry.mode) change.modified.push(entry);
    else change.unchanged.push(entry.path);
  }
  const paths = new Set(tree.map((entry) => entry.path));
  const addedBySha = new Map(change.added.map((entry) => [entry.sha, entry.path]));
  for (const row of previous) {
    if (paths.has(row.path)) continue;
    change.removed.push(row.path);
    const to = addedBySha.get(row.sha);
    if (to) change.renamed.push({ from: row.path, to });
  }
  return change;
}

/**
 * IncrementalSync's work: the new commit's tree against the current snapshot. The tree is the
 * truth, so a force-push or a diverged history needs nothing special — unchanged rows are copied
 * (classified again when the project's filter changed since the base snapshot was built),
 * and only added or modified blobs are fetched (content-addressed: a blob already stored, such
 * as a rename's, costs nothing). Few changes go blob by blob; many go through the zipball.
 */
export function createIncrementalSyncActivities(deps: ActivityDeps) {
  const { db, github, log } = deps;
  const blobs = guardBlobStore(deps.blobs);
  const projects = projectsRepository(db);
  const snapshots = snapshotsRepository(db);
  const syncState = projectSyncStateRepository(db);
  const blobIndex = blobsRepository(db);

  return {
    async syncToHead({ projectId, operationId, head }: { projectId: string; operationId: string; head: RepositoryHead & { commitSha: string; treeSha: string } }): Promise<IncrementalSyncResult> {
      const context = Context.current();
      const project = await withDatabase(() => projects.findById(projectId));
      if (!project) throw permanentFailure('not-found', `project ${projectId} no longer exists`);
      const current = project.current_snapshot_id ? await withDatabase(() => snapshots.findById(project.current_snapshot_id!)) : undefined;
      if (!current) throw permanentFailure('invalid-input', 'initial sync required: the project has no snapshot yet');
      const operations = syncOperationsRepository(db);
      const filter = filterKey(project.filter);
      if (current.commit_sha === head.commitSha && current.filter_key === filter) {
        await withDatabase(async () => {
          await operations.finish(operationId, { status: 'succeeded', before_sha: current.commit_sha, after_sha: head.commitSha, metadata: JSON.stringify({ upToDate: true }) });
          await syncState.markUpToDate(projectId);
        });
        return { operationId, commitSha: head.commitSha, added: 0, modified: 0, removed: 0, upToDate: true };
      }

      const client = await github(project, { priority: 'incremental' }).catch((error: unknown) => {
        throw githubFailure(error, `${project.owner}/${project.repo}`);
      });
      const { owner, repo, commitSha, treeSha } = head;
      // Heartbeats only while the sync moves, so a wedged attempt is retried within minutes.
      try {
        return await withHeartbeat(context, { stallMs: SYNC_STALL_MS }, async (beat) => {
          const tree = await readRecursiveTree(client.octokit, owner, repo, treeSha);
          beat.progressed();
          const previous = await withDatabase(() => snapshots.entries(current.id));
          const change = diffTree(previous, tree);
          const snapshot = await withDatabase(() => snapshots.openForCommit(projectId, commitSha, treeSha, filter));
          const carried = await withDatabase(() => carryOverUnchanged(db, { from: current, to: snapshot.id, paths: change.unchanged, filter: project.filter }));
          beat.progressed();
          const changed = change.added.length + change.modified.length + carried.refetched;
          const result = await importCommit({
            manifest: snapshots,
            blobIndex,
            blobs,
            snapshotId: snapshot.id,
            tree: memoryImportTree(tree),
            filter: project.filter,
            useArchive: changed > BLOB_BY_BLOB_MAX,
            ...(deps.archiveLimits ? { archiveLimits: deps.archiveLimits } : {}),
            signal: context.cancellationSignal,
            sources: githubSources(client, deps.githubApiUrl, { owner, repo, commitSha }),
            onProgress: () => beat.progressed(),
          });
          const counts = { added: change.added.length, modified: change.modified.length, removed: change.removed.length };
          await completeSnapshot(db, {
            projectId,
            operationId,
            snapshotId: snapshot.id,
            commitSha,
            beforeSha: current.commit_sha,
            counts,
            bytesUploaded: result.bytesUploaded,
            apiRequests: client.requests.count,
            metadata: {
              renamed: change.renamed.slice(0, 100),
              blobsUploaded: result.blobsUploaded,
              viaArchive: changed > BLOB_BY_BLOB_MAX,
              ...(carried.reclassified ? { filterApplied: { newlyIncluded: carried.refetched, newlySkipped: carried.newlySkipped } } : {}),
            },
          });
          log.info('incremental sync applied', { projectId, from: current.commit_sha.slice(0, 7), to: commitSha.slice(0, 7), ...counts });
          return { operationId, commitSha, ...counts, upToDate: false };
        });
      } catch (error) {
        if (error instanceof IntegrityMismatchError) throw permanentFailure('integrity-mismatch', error.message, error);
        if (error instanceof UnsafeArchiveError) throw permanentFailure('unsafe-archive', error.message, error);
        throw githubFailure(error, `${owner}/${repo}@${commitSha.slice(0, 7)}`);
      }
    },
  };
}
