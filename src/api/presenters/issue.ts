import type { CommentRow } from '../../db/repositories/comments.js';
import type { IssueRow } from '../../db/repositories/issues.js';

export function presentIssue(row: IssueRow) {
  return {
    number: row.number,
    isPullRequest: row.is_pull_request,
    state: row.state,
    stateReason: row.state_reason,
    title: row.title,
    body: row.body,
    labels: row.labels,
    assignees: row.assignees,
    milestone: row.milestone,
    author: row.author_login,
    comments: row.comment_count,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    closedAt: row.closed_at?.toISOString() ?? null,
  };
}

export function presentComment(row: CommentRow) {
  return { id: row.github_id, author: row.author_login, body: row.body, createdAt: row.created_at.toISOString(), updatedAt: row.updated_at.toISOString() };
}
