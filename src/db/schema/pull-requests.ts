import type { Generated } from 'kysely';

/** What a pull request adds to its issue row: branches, merge state, draft. */
export interface PullRequestsTable {
  project_id: string;
  number: number;
  head_ref: string;
  head_sha: string;
  base_ref: string;
  base_sha: string;
  merged: Generated<boolean>;
  merged_at: Date | null;
  merge_commit_sha: string | null;
  draft: Generated<boolean>;
  review_comment_count: Generated<number>;
  updated_at: Date;
}

export interface PullRequestsSchema {
  pull_requests: PullRequestsTable;
}
