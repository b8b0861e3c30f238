import type { Generated, JSONColumnType } from 'kysely';

/** An issue or a pull request (GitHub numbers both from one sequence; pull requests add a pull_requests row). */
export interface IssuesTable {
  project_id: string;
  number: number;
  github_id: number;
  is_pull_request: boolean;
  state: 'open' | 'closed';
  state_reason: string | null;
  title: string;
  body: string | null;
  labels: JSONColumnType<string[], string, string>;
  assignees: JSONColumnType<string[], string, string>;
  milestone: string | null;
  author_login: string | null;
  comment_count: Generated<number>;
  created_at: Date;
  updated_at: Date;
  closed_at: Date | null;
}

export interface IssuesSchema {
  issues: IssuesTable;
}
