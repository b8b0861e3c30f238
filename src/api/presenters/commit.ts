import type { CommitRow } from '../../db/repositories/commits.js';

const iso = (date: Date | null) => date?.toISOString() ?? null;

export function presentCommit(row: CommitRow) {
  return {
    sha: row.sha,
    message: row.message,
    author: { login: row.author_login, name: row.author_name, email: row.author_email, date: iso(row.authored_at) },
    committer: { name: row.committer_name, email: row.committer_email, date: iso(row.committed_at) },
    parents: row.parents,
  };
}
