export type CommentKind = 'issue' | 'review';

/** An issue comment (on an issue or a pull request) or a pull request review comment. */
export interface CommentsTable {
  project_id: string;
  kind: CommentKind;
  github_id: number;
  issue_number: number;
  author_login: string | null;
  body: string;
  /** Review comments only: the file, line and commit they annotate. */
  path: string | null;
  line: number | null;
  commit_sha: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface CommentsSchema {
  comments: CommentsTable;
}
