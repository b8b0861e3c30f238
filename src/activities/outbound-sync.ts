import { CancelledFailure, Context } from '@temporalio/activity';
import { blobsRepository } from '../db/repositories/blobs.js';
import { outboundChangesRepository } from '../db/repositories/outbound-changes.js';
import { projectsRepository, type Project } from '../db/repositories/projects.js';
import { snapshotsRepository } from '../db/repositories/snapshots.js';
import { syncOperationsRepository } from '../db/repositories/sync-operations.js';
import { answered, moveBranch } from '../github/git-writes.js';
import type { ProjectGitHub } from '../github/project-client.js';
import { readRecursiveTree } from '../github/recursive-tree.js';
import { githubFailure } from '../github/sync-failure.js';
import { chooseRoute } from '../outbound/choose-route.js';
import { findConflicts } from '../outbound/find-conflicts.js';
import { readOutboundRequest, type RecordedCommit } from '../outbound/outbound-request.js';
import { changesNothing, type PlannedChange, type TreeFact } from '../outbound/tree-plan.js';
import { CorruptBlobError } from '../storage/blob-store.js';
import type { SyncErrorCode } from '../shared/error-codes.js';
import type { OutboundOutcome, OutboundSyncResult } from '../shared/outbound-sync.js';
import { buildOutboundCommit, type CommitParent } from './build-outbound-commit.js';
import type { ActivityDeps } from './deps.js';
import { endedStatus } from './ended-status.js';
import { permanentFailure, transientFailure } from './failures.js';
import { findLandedCommit } from './find-landed-commit.js';
import { openOutboundPullRequest, type PullRequestReason } from './open-outbound-pull-request.js';
import { moveSnapshotToOutboundCommit } from './outbound-snapshot.js';
import { guardBlobStore, withDatabase } from './outage.js';
import { SYNC_STALL_MS, withHeartbeat, type Heartbeat } from './progress-heartbeat.js';

/** Rounds of "someone pushed meanwhile, read the head again" before the attempt gives up (and Temporal retries). */
const MAX_REBUILDS = 5;

interface BranchHead {
  sha: string;
  treeSha: string;
  message: string;
  parentSha: string | null;
  protected: boolean;
}

/**
 * OutboundSync's activities. `commitOutbound` does all of the GitHub side and is safe to run again
 * at any point: the commit it makes carries the operation's trailer and is recorded before the ref
 * moves, and every attempt first looks for it (at the head, in the history, in the record) before
 * making another — so a crash anywhere ends with exactly one commit or one pull request.
 */
export function createOutboundSyncActivities(deps: ActivityDeps) {
  const { db, github, log } = deps;
  const blobs = guardBlobStore(deps.blobs);
  const projects = projectsRepository(db);
  const operations = syncOperationsRepository(db);
  const outbound = outboundChangesRepository(db);
  const snapshots = snapshotsRepository(db);

  async function loadProject(projectId: string): Promise<Project> {
    const project = await withDatabase(() => projects.findById(projectId));
    if (!project) throw permanentFailure('not-found', `project ${projectId} no longer exists`);
    return project;
  }

  async function loadOperation(projectId: string, operationId: string) {
    const operation = await withDatabase(() => operations.findForProject(projectId, operationId));
    if (!operation || operation.kind !== 'outbound') throw permanentFailure('not-found', `outbound operation ${operationId} of project ${projectId} not found`);
    return operation;
  }

  /** The snapshot rows of the changed paths: the edit's base as our snapshot knew it. */
  async function snapshotEntries(snapshotId: string, paths: string[]): Promise<Map<string, TreeFact>> {
    const rows = await withDatabase(() => snapshots.entriesAt(snapshotId, paths));
    return new Map(rows.map((row) => [row.path, { sha: row.sha, mode: row.mode }]));
  }

  /**
   * An edit whose content the store holds only as wrong bytes (the edit's upload found it stored
   * already, and that copy has gone bad since) fails before anything reaches GitHub. The blob is
   * recorded as missing, so sending the edit again stores its content afresh.
   */
  async function refuseCorruptContent(error: unknown, changes: PlannedChange[]): Promise<never> {
    if (!(error instanceof CorruptBlobError)) throw error;
    const change = changes.find((candidate) => candidate.sha === error.sha);
    await withDatabase(() => blobsRepository(db).markMissing([{ sha: error.sha, size: change?.size ?? 0 }]));
    throw permanentFailure('integrity-mismatch', `${change?.path ?? error.sha}: ${error.message}; nothing was committed, and sending the edit again stores its content afresh`, error);
  }

  /** Which of the new contents GitHub already holds: any blob of the base snapshot (renames, reverts). */
  function knownOnGitHub(snapshotId: string, shas: string[]): Promise<Set<string>> {
    return withDatabase(() => snapshots.blobsAmong(snapshotId, shas));
  }

  async function readBranch(client: ProjectGitHub, owner: string, repo: string, branch: string): Promise<BranchHead> {
    // One request answers the head, its tree, its message (our trailer?) and whether the branch is protected.
    const { data } = await client.octokit.rest.repos.getBranch({ owner, repo, branch });
    answered(data?.commit?.sha, `read branch ${branch}`);
    return {
      sha: data.commit.sha,
      treeSha: data.commit.commit.tree.sha,
      message: data.commit.commit.message,
      parentSha: data.commit.parents[0]?.sha ?? null,
      protected: data.protected,
    };
  }

  return {
    /** Marks the operation running under this workflow; an operation that already succeeded answers its result. */
    async beginOutbound({ projectId, operationId }: { projectId: string; operationId: string }): Promise<{ finished: OutboundSyncResult | null }> {
      const execution = Context.current().info.workflowExecution;
      const operation = await loadOperation(projectId, operationId);
      const { result, snapshotMoved } = operation.metadata as { result?: OutboundOutcome; snapshotMoved?: boolean };
      if (operation.status === 'succeeded' && result) return { finished: { operationId, outcome: result, snapshotMoved: snapshotMoved === true } };
      await withDatabase(() => operations.resume(operationId, { workflowId: execution?.workflowId ?? operation.workflow_id, runId: execution?.runId ?? operation.run_id }));
      return { finished: null };
    },

    /**
     * Commits the recorded changes: read the branch fresh, build one tree on the head's tree,
     * commit, move the ref with `force: false`; on "not a fast forward" read the head again and
     * rebuild unless one of our paths changed remotely since the edit's base (a conflict).
     */
    async commitOutbound({ projectId, operationId }: { projectId: string; operationId: string }): Promise<{ outcome: OutboundOutcome; snapshotMoved: boolean }> {
      const context = Context.current();
      return withHeartbeat(context, { stallMs: SYNC_STALL_MS }, (beat) => commit(context, beat));

      async function commit(context: Context, beat: Heartbeat): Promise<{ outcome: OutboundOutcome; snapshotMoved: boolean }> {
        const project = await loadProject(projectId);
        const operation = await loadOperation(projectId, operationId);
        const request = readOutboundRequest(operation.metadata);
        let recorded = operation.metadata.commit as RecordedCommit | undefined;
        const rows = await withDatabase(() => outbound.list(operationId));
        const changes: PlannedChange[] = rows.map((row) => ({ path: row.path, sha: row.blob_sha, mode: row.mode, size: row.size, isText: row.is_text }));
        const { owner, repo } = project;
        const target = { owner, repo };
        let client: ProjectGitHub | undefined;
        try {
          client = await github(project);
          const { octokit } = client;
          const { data: repository } = await octokit.rest.repos.get(target);
          answered(repository?.default_branch, `read ${owner}/${repo}`);
          if (repository.archived) throw permanentFailure('invalid-input', `${owner}/${repo} is archived on GitHub, so it is read-only`);
          const branch = project.branch ?? repository.default_branch;
          const baseSnapshot = await withDatabase(() => snapshots.findById(request.baseSnapshotId));
          if (!baseSnapshot?.tree_sha) throw permanentFailure('not-found', `the snapshot the edit was based on (${request.baseSha.slice(0, 7)}) is gone`);
          const paths = changes.map((change) => change.path);
          const baseEntries = await snapshotEntries(request.baseSnapshotId, paths);
          const known = await knownOnGitHub(request.baseSnapshotId, [...new Set(changes.flatMap((change) => (change.sha ? [change.sha] : [])))]);

          /** Builds the marked commit on `parent` and records it before any ref moves, so a retry reuses it. */
          const buildCommit = async (parent: CommitParent): Promise<RecordedCommit> => {
            const commit = await buildOutboundCommit({ octokit, target, blobs, operationId, request, changes, known, parent, onProgress: () => beat.progressed() }).catch((error: unknown) =>
              refuseCorruptContent(error, changes),
            );
            await withDatabase(() => outbound.mergeMetadata(operationId, { commit }));
            return commit;
          };

          const openPullRequest = (commit: RecordedCommit, reason: PullRequestReason, conflicts: string[]): Promise<OutboundOutcome> =>
            openOutboundPullRequest({
              octokit,
              target,
              operationId,
              request,
              branch,
              commit,
              reason,
              conflicts,
              recordConflicts: (all) => withDatabase(() => outbound.mergeMetadata(operationId, { conflicts: all })),
              onForceMoved: (headBranch) => log.warn('force-moved the operation branch to this attempt’s commit', { projectId, operationId, headBranch, commit: commit.sha.slice(0, 7) }),
            });

          const landed = async (commit: RecordedCommit): Promise<{ outcome: OutboundOutcome; snapshotMoved: boolean }> => {
            const snapshotMoved = await withDatabase(() => moveSnapshotToOutboundCommit(db, projectId, { commitSha: commit.sha, treeSha: commit.treeSha, parentSha: commit.parentSha }, rows));
            log.info('outbound commit landed', { projectId, operationId, branch, commit: commit.sha.slice(0, 7), snapshotMoved });
            return { outcome: { kind: 'commit', branch, commitSha: commit.sha, parentSha: commit.parentSha, rebuilt: commit.parentSha !== request.baseSha }, snapshotMoved };
          };

          for (let round = 0; round < MAX_REBUILDS; round += 1) {
            beat.progressed();
            const head = await readBranch(client, owner, repo, branch);
            // Look before creating: an earlier attempt's commit already on the branch ends the work.
            const alreadyLanded = await findLandedCommit({ octokit, target, operationId, head, recorded });
            if (alreadyLanded) return await landed(alreadyLanded);

            const moved = head.sha !== request.baseSha;
            const headEntries = moved ? entriesOf(await readRecursiveTree(octokit, owner, repo, head.treeSha), paths) : baseEntries;
            if (changesNothing(changes, headEntries)) {
              log.info('the branch already holds the edit; no commit', { projectId, operationId, branch, head: head.sha.slice(0, 7) });
              return { outcome: { kind: 'commit', branch, commitSha: head.sha, parentSha: head.sha, rebuilt: moved, noChange: true }, snapshotMoved: false };
            }
            const conflicts = moved ? findConflicts(changes, baseEntries, headEntries) : [];
            const route = chooseRoute(request.mode, head.protected, conflicts.length > 0);
            if (route.kind === 'conflict') {
              await withDatabase(() => outbound.mergeMetadata(operationId, { conflicts, conflictHeadSha: head.sha }));
              throw permanentFailure('conflict', `changed on GitHub since ${request.baseSha.slice(0, 7)} as well as here: ${conflicts.slice(0, 20).join(', ')}${conflicts.length > 20 ? ` and ${conflicts.length - 20} more` : ''}`);
            }
            // A conflict's pull request is built on the edit's own base, so GitHub shows the conflict to resolve.
            const parent: CommitParent = conflicts.length > 0 ? { sha: request.baseSha, treeSha: baseSnapshot.tree_sha, entries: baseEntries } : { sha: head.sha, treeSha: head.treeSha, entries: headEntries };
            const commit = recorded?.parentSha === parent.sha ? recorded : await buildCommit(parent);
            recorded = commit;
            // Past this point GitHub shows the change: a cancelled operation must stop before it.
            throwIfCancelled(context);
            if (route.kind === 'pull-request') return { outcome: await openPullRequest(commit, route.reason, conflicts), snapshotMoved: false };

            const result = await moveBranch(octokit, target, branch, commit.sha);
            if (result === 'moved') return await landed(commit);
            if (result === 'protected') {
              if (request.mode === 'hybrid') return { outcome: await openPullRequest(commit, 'protected', []), snapshotMoved: false };
              throw permanentFailure('conflict', `GitHub refused a direct commit to the protected branch ${branch}; use mode protected_pr or hybrid`);
            }
            log.info('branch moved while committing; reading the head again', { projectId, operationId, branch, round });
          }
          throw transientFailure('conflict', `${branch} kept moving: ${MAX_REBUILDS} commits in a row lost the race to other pushes`);
        } catch (error) {
          if (error instanceof CancelledFailure) throw error;
          throw githubFailure(error, `${owner}/${repo}`);
        } finally {
          if (client) await withDatabase(() => operations.addRequests(operationId, client!.requests.count)).catch(() => {});
        }
      }
    },

    /** Closes the operation with its outcome and records what the outbound commit was based on. */
    async completeOutbound({ projectId, operationId, outcome, snapshotMoved }: { projectId: string; operationId: string; outcome: OutboundOutcome; snapshotMoved: boolean }): Promise<void> {
      const rows = await withDatabase(() => outbound.list(operationId));
      const operation = await loadOperation(projectId, operationId);
      const request = readOutboundRequest(operation.metadata);
      const base = await snapshotEntries(request.baseSnapshotId, rows.map((row) => row.path));
      const counts = { added: 0, modified: 0, removed: 0 };
      const noChange = outcome.kind === 'commit' && outcome.noChange === true;
      for (const row of noChange ? [] : rows) {
        if (row.blob_sha === null) counts.removed += 1;
        else if (base.has(row.path)) counts.modified += 1;
        else counts.added += 1;
      }
      await withDatabase(() =>
        db.transaction().execute(async (trx) => {
          await projectsRepository(trx).recordOutboundBase(projectId, outcome.parentSha);
          await syncOperationsRepository(trx).finish(operationId, {
            status: 'succeeded',
            before_sha: outcome.parentSha,
            after_sha: outcome.commitSha,
            files_added: counts.added,
            files_modified: counts.modified,
            files_removed: counts.removed,
            bytes: noChange ? 0 : rows.reduce((sum, row) => sum + row.size, 0),
          });
          await outboundChangesRepository(trx).mergeMetadata(operationId, { result: outcome, snapshotMoved, noChange });
        }),
      );
    },

    /** Records a failed or cancelled outbound operation (its conflicts, if any, are already in its metadata). */
    async failOutbound({ operationId, code, message }: { projectId: string; operationId: string; code: SyncErrorCode; message: string }): Promise<void> {
      await withDatabase(() => operations.finish(operationId, { status: endedStatus(code), error_code: code, error_message: message }));
    },
  };
}

/** Stops an attempt whose operation was cancelled (or ran out of time) before it writes anything visible. */
function throwIfCancelled(context: Context): void {
  if (context.cancellationSignal.aborted) throw new CancelledFailure('the outbound operation was cancelled before its commit was published');
}

function entriesOf(tree: Array<{ path: string; sha: string; mode: string }>, paths: string[]): Map<string, TreeFact> {
  const wanted = new Set(paths);
  return new Map(tree.filter((entry) => wanted.has(entry.path)).map((entry) => [entry.path, { sha: entry.sha, mode: entry.mode }]));
}
