import { isInHistory } from '../github/git-writes.js';
import type { ReposyncOctokit } from '../github/octokit.js';
import { hasOperationTrailer } from '../outbound/commit-marker.js';
import type { RecordedCommit } from '../outbound/outbound-request.js';

/**
 * The operation's commit when an earlier attempt already landed it on the branch: the head itself
 * (it carries the operation's trailer), or the recorded commit found in the head's history
 * (others pushed on top since). Undefined when the change has not landed.
 */
export async function findLandedCommit(options: {
  octokit: ReposyncOctokit;
  target: { owner: string; repo: string };
  operationId: string;
  head: { sha: string; treeSha: string; message: string; parentSha: string | null };
  recorded: RecordedCommit | undefined;
}): Promise<RecordedCommit | undefined> {
  const { octokit, target, operationId, head, recorded } = options;
  if (hasOperationTrailer(head.message, operationId) && head.parentSha) return { sha: head.sha, treeSha: head.treeSha, parentSha: head.parentSha };
  if (recorded && recorded.parentSha !== head.sha && (await isInHistory(octokit, target, recorded.sha, head.sha))) return recorded;
  return undefined;
}
