import { ensureOwnBranch, ensurePullRequest } from '../github/git-writes.js';
import type { ReposyncOctokit } from '../github/octokit.js';
import type { OutboundRequest, RecordedCommit } from '../outbound/outbound-request.js';
import { outboundBranch, PAYLOAD_LIST_LIMIT, type OutboundOutcome } from '../shared/outbound-sync.js';

export type PullRequestReason = 'mode' | 'protected' | 'conflict';

/**
 * Publishes the operation's commit as a pull request into `branch`: reposync's own branch of the
 * operation points at the commit, and the pull request from it is opened, or found when an
 * earlier attempt opened it. Every conflicting path is recorded on the operation; the outcome, a
 * workflow payload, carries the first few.
 */
export async function openOutboundPullRequest(options: {
  octokit: ReposyncOctokit;
  target: { owner: string; repo: string };
  operationId: string;
  request: OutboundRequest;
  branch: string;
  commit: RecordedCommit;
  reason: PullRequestReason;
  conflicts: string[];
  recordConflicts(conflicts: string[]): Promise<void>;
  /** Told when the operation's branch held an earlier attempt's commit and was force-moved. */
  onForceMoved(headBranch: string): void;
}): Promise<OutboundOutcome> {
  const { octokit, target, operationId, request, branch, commit, reason, conflicts } = options;
  const headBranch = outboundBranch(operationId);
  // Force is only ever used on reposync's own branch of this operation, never on the project's; and logged.
  if ((await ensureOwnBranch(octokit, target, headBranch, commit.sha)) === 'moved') options.onForceMoved(headBranch);
  const pull = await ensurePullRequest(octokit, target, { head: headBranch, base: branch, title: request.message.split('\n')[0]!.slice(0, 250), body: pullRequestBody(request, operationId, reason, conflicts) });
  if (conflicts.length > 0) await options.recordConflicts(conflicts);
  return { kind: 'pull-request', branch, headBranch, commitSha: commit.sha, parentSha: commit.parentSha, number: pull.number, url: pull.url, conflicts: conflicts.slice(0, PAYLOAD_LIST_LIMIT), conflictCount: conflicts.length, reason };
}

function pullRequestBody(request: OutboundRequest, operationId: string, reason: PullRequestReason, conflicts: string[]): string {
  const why = {
    mode: 'The project commits through pull requests (protected_pr).',
    protected: 'The branch is protected, so the change comes as a pull request.',
    conflict: `These paths also changed on GitHub since ${request.baseSha.slice(0, 7)}, the commit the edit was made on; this pull request is based there so the conflict can be resolved:\n\n${conflicts.map((path) => `- \`${path}\``).join('\n')}`,
  }[reason];
  return `${why}\n\nOpened by reposync for operation ${operationId}.`;
}
