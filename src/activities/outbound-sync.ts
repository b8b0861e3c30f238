import { CancelledFailure, Context } from '@temporalio/activity';
import { outboundChangesRepository } from '../db/repositories/outbound-changes.js';
import { projectsRepository, type Project } from '../db/repositories/projects.js';
import { snapshotsRepository } from '../db/repositories/snapshots.js';
import { syncOperationsRepository } from '../db/repositories/sync-operations.js';
import { answered, createBlob, ensureOwnBranch, ensurePullRequest, isInHistory, moveBranch, writeTrees } from '../github/git-writes.js';
import type { ProjectGitHub } from '../github/project-client.js';
import { readRecursiveTree } from '../github/recursive-tree.js';
import { githubFailure, permanentFailure, transientFailure } from '../github/sync-failure.js';
import { chooseRoute } from '../outbound/choose-route.js';
import { hasOperationTrailer, withOperationTrailer } from '../outbound/commit-marker.js';
import { findConflicts } from '../outbound/find-conflicts.js';
import { readOutboundRequest, type OutboundRequest, type RecordedCommit } from '../outbound/outbound-request.js';
import { changesNothing, chunkTreeEntries, planChanges, type PlannedChange, type TreeFact, type TreeRequestEntry } from '../outbound/tree-plan.js';
import type { SyncErrorCode } from '../shared/error-codes.js';
import { outboundBranch, PAYLOAD_LIST_LIMIT, type OutboundOutcome, type OutboundSyncResult } from '../shared/outbound-sync.js';
import type { ActivityDeps } from './deps.js';
import { endedStatus } from './ended-status.js';
import { moveSnapshotToOutboundCommit } from './outbound-snapshot.js';
import { guardBlobStore, withDatabase } from './outage.js';
import { SYNC_STALL_MS, withHeartbeat, type Heartbeat } from './progress-heartbeat.js';

/** Rounds of "someone pushed meanwhile, read the head again" before the attempt gives up (and Temporal retries). */
const MAX_REBUILDS = 5;
const BLOB_READ_CONCURRENCY = 16;

interface BranchHead {
  sha: string;
  treeSha: string;
  message: string;
  parentSha: string | null;
  protected: boolean;
}

/** A commit to build on, with its entries for the changed paths. */
interface Parent {
  sha: string;
  treeSha: string;
  entries: Map<string, TreeFact>;
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

  /** Which of the new contents GitHub already holds: any blob of the base snapshot (renames, reverts). */
  function knownOnGitHub(snapshotId: string, shas: string[]): Promise<Set<string>> {
    return withDatabase(() => snapshots.blobsAmong(snapshotId, shas));
  }

  async function readContent(sha: string): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of (await blobs.get(sha)) as AsyncIterable<Buffer>) chunks.push(chunk);
    return Buffer.concat(chunks);
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

          /** Writes the tree (blobs first where needed) and the marked commit on `parent`. */
          const buildCommit = async (parent: Parent): Promise<RecordedCommit> => {
            const entries: TreeRequestEntry[] = [];
            const planned = planChanges(changes, parent.entries, known);
            const contents = await readContents(planned.filter(({ route }) => route === 'inline' || route === 'blob').map(({ change }) => change.sha!));
            for (const { change, route } of planned) {
              const mode = change.mode ?? parent.entries.get(change.path)?.mode ?? '100644';
              if (route === 'unchanged') continue;
              if (route === 'delete') entries.push({ path: change.path, mode, type: 'blob', sha: null });
              else if (route === 'reference') entries.push({ path: change.path, mode, type: 'blob', sha: change.sha });
              else {
                const content = contents.get(change.sha!)!;
                const text = content.toString('utf8');
                // Inline content is sent as a UTF-8 string: only bytes that survive the round trip may go that way.
                if (route === 'inline' && Buffer.from(text, 'utf8').equals(content)) entries.push({ path: change.path, mode, type: 'blob', content: text });
                else {
                  const sha = await createBlob(octokit, target, content);
                  if (sha !== change.sha) throw permanentFailure('integrity-mismatch', `${change.path}: GitHub stored the blob as ${sha}, not ${change.sha}`);
                  entries.push({ path: change.path, mode, type: 'blob', sha });
                }
              }
              beat.progressed();
            }
            const treeSha = entries.length > 0 ? await writeTrees(octokit, target, parent.treeSha, chunkTreeEntries(entries)) : parent.treeSha;
            // The author date is fixed at request time, so a retry writes the very same commit object.
            const author = request.author ? { author: { ...request.author, date: request.requestedAt }, committer: { ...request.author, date: request.requestedAt } } : {};
            const { data } = await octokit.rest.git.createCommit({ ...target, message: withOperationTrailer(request.message, operationId), tree: treeSha, parents: [parent.sha], ...author });
            const commit = { sha: answered(data?.sha, 'create a commit'), parentSha: parent.sha, treeSha };
            await withDatabase(() => outbound.mergeMetadata(operationId, { commit }));
            return commit;
          };

          const openPullRequest = async (commit: RecordedCommit, reason: 'mode' | 'protected' | 'conflict', conflicts: string[]): Promise<OutboundOutcome> => {
            const headBranch = outboundBranch(operationId);
            // Force is only ever used on reposync's own branch of this operation, never on the project's; and logged.
            if ((await ensureOwnBranch(octokit, target, headBranch, commit.sha)) === 'moved') log.warn('force-moved the operation branch to this attempt’s commit', { projectId, operationId, headBranch, commit: commit.sha.slice(0, 7) });
            const pull = await ensurePullRequest(octokit, target, { head: headBranch, base: branch, title: request.message.split('\n')[0]!.slice(0, 250), body: pullRequestBody(request, operationId, reason, conflicts) });
            // Every conflicting path is stored on the operation; the outcome, a workflow payload, carries the first few.
          if (conflicts.length > 0) await withDatabase(() => outbound.mergeMetadata(operationId, { conflicts }));
          return { kind: 'pull-request', branch, headBranch, commitSha: commit.sha, parentSha: commit.parentSha, number: pull.number, url: pull.url, conflicts: conflicts.slice(0, PAYLOAD_LIST_LIMIT), conflictCount: conflicts.length, reason };
          };

          const landed = async (commit: RecordedCommit): Promise<{ outcome: OutboundOutcome; snapshotMoved: boolean }> => {
            const snapshotMoved = await withDatabase(() => moveSnapshotToOutboundCommit(db, projectId, { commitSha: commit.sha, treeSha: commit.treeSha, parentSha: commit.parentSha }, rows));
            log.info('outbound commit landed', { projectId, operationId, branch, commit: commit.sha.slice(0, 7), snapshotMoved });
            return { outcome: { kind: 'commit', branch, commitSha: commit.sha, parentSha: commit.parentSha, rebuilt: commit.parentSha !== request.baseSha }, snapshotMoved };
          };

          for (let round = 0; round < MAX_REBUILDS; round += 1) {
            beat.progressed();
            const head = await readBranch(client, owner, repo, branch);
            // Look before creating: an earlier attempt's commit already on the branch ends the work.
            if (hasOperationTrailer(head.message, operationId) && head.parentSha) return await landed({ sha: head.sha, treeSha: head.treeSha, parentSha: head.parentSha });
            if (recorded && recorded.parentSha !== head.sha && (await isInHistory(octokit, target, recorded.sha, head.sha))) return await landed(recorded);

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
            const parent: Parent = conflicts.length > 0 ? { sha: request.baseSha, treeSha: baseSnapshot.tree_sha, entries: baseEntries } : { sha: head.sha, treeSha: head.treeSha, entries: headEntries };
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

      async function readContents(shas: string[]): Promise<Map<string, Buffer>> {
        const contents = new Map<string, Buffer>();
        const queue = [...new Set(shas)];
        await Promise.all(
          Array.from({ length: Math.min(BLOB_READ_CONCURRENCY, queue.length) }, async () => {
            for (let sha = queue.pop(); sha !== undefined; sha = queue.pop()) contents.set(sha, await readContent(sha));
          }),
        );
        return contents;
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

function pullRequestBody(request: OutboundRequest, operationId: string, reason: 'mode' | 'protected' | 'conflict', conflicts: string[]): string {
  const why = {
    mode: 'The project commits through pull requests (protected_pr).',
    protected: 'The branch is protected, so the change comes as a pull request.',
    conflict: `These paths also changed on GitHub since ${request.baseSha.slice(0, 7)}, the commit the edit was made on; this pull request is based there so the conflict can be resolved:\n\n${conflicts.map((path) => `- \`${path}\``).join('\n')}`,
  }[reason];
  return `${why}\n\nOpened by reposync for operation ${operationId}.`;
}
