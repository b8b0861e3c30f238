/** A commit reached from one of the project's refs. */
export interface CommitsTable {
  project_id: string;
  sha: string;
  author_name: string | null;
  author_email: string | null;
  /** The GitHub account the author email maps to, when GitHub knows one. */
  author_login: string | null;
  authored_at: Date | null;
  committer_name: string | null;
  committer_email: string | null;
  committed_at: Date | null;
  message: string;
  parents: string[];
}

export interface CommitsSchema {
  commits: CommitsTable;
}
