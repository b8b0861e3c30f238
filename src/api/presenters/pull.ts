import type { CommentRow } from '../../db/repositories/comments.js';
import type { IssueWithPullRow } from '../../db/repositories/issues.js';
import { presentComment, presentIssue } from './issue.js';

/** A pull request: its issue fields and, once the pull request listing stored them, its branches. */
export function presentPull(row: IssueWithPullRow) {
  const { isPullRequest: _isPullRequest, ...issue } = presentIssue(row);
  return {
    ...issue,
    head: row.head_ref !== null && row.head_sha !== null ? { ref: row.head_ref, sha: row.head_sha } : null,
    base: row.base_ref !== null && row.base_sha !== null ? { ref: row.base_ref, sha: row.base_sha } : null,
    merged: row.merged ?? false,
    mergedAt: row.merged_at?.toISOString() ?? null,
    mergeCommitSha: row.merge_commit_sha,
    draft: row.draft ?? false,
    reviewComments: row.review_comment_count ?? 0,
  };
}

export function presentReviewComment(row: CommentRow) {
  return { ...presentComment(row), path: row.path, line: row.line, commitSha: row.commit_sha };
}
