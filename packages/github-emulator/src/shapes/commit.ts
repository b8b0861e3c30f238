import type { FileChange } from '../git/diff-files.js';
import type { CommitData } from '../git/read-commits.js';
import type { RepoHandle } from '../state/repo-store.js';
import { nodeId, userShape } from './user.js';
import { repoApiUrl, repoWebUrl, type Urls } from './urls.js';

const UNSIGNED = { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null };

/** GitHub's `git-commit` object of the Git Data API: https://docs.github.com/rest/git/commits */
export function gitCommitShape(urls: Urls, handle: RepoHandle, c: CommitData) {
  const api = repoApiUrl(urls, handle.owner, handle.name);
  const web = repoWebUrl(urls, handle.owner, handle.name);
  return {
    sha: c.sha,
    node_id: nodeId('C', c.sha),
    url: `${api}/git/commits/${c.sha}`,
    html_url: `${web}/commit/${c.sha}`,
    author: c.author,
    committer: c.committer,
    tree: { sha: c.tree, url: `${api}/git/trees/${c.tree}` },
    message: c.message,
    parents: c.parents.map((p) => ({ sha: p, url: `${api}/git/commits/${p}`, html_url: `${web}/commit/${p}` })),
    verification: UNSIGNED,
  };
}

/**
 * GitHub's `commit` object of the Commits API (GET /repos/{o}/{r}/commits/{ref}, compare entries).
 * GitHub maps git identities to accounts by email; the emulator maps `login@...` style emails
 * of its own users only, and reports null otherwise like GitHub does for unknown emails.
 * https://docs.github.com/rest/commits/commits#get-a-commit
 */
export function commitShape(urls: Urls, handle: RepoHandle, c: CommitData, files?: { list: FileChange[] }) {
  const api = repoApiUrl(urls, handle.owner, handle.name);
  const web = repoWebUrl(urls, handle.owner, handle.name);
  const base = {
    sha: c.sha,
    node_id: nodeId('C', c.sha),
    commit: {
      author: c.author,
      committer: c.committer,
      message: c.message,
      tree: { sha: c.tree, url: `${api}/git/trees/${c.tree}` },
      url: `${api}/git/commits/${c.sha}`,
      comment_count: 0,
      verification: UNSIGNED,
    },
    url: `${api}/commits/${c.sha}`,
    html_url: `${web}/commit/${c.sha}`,
    comments_url: `${api}/commits/${c.sha}/comments`,
    author: accountFor(urls, c.author.email),
    committer: accountFor(urls, c.committer.email),
    parents: c.parents.map((p) => ({ sha: p, url: `${api}/commits/${p}`, html_url: `${web}/commit/${p}` })),
  };
  if (!files) return base;
  const additions = files.list.reduce((n, f) => n + f.additions, 0);
  const deletions = files.list.reduce((n, f) => n + f.deletions, 0);
  return {
    ...base,
    stats: { total: additions + deletions, additions, deletions },
    files: files.list.map((f) => diffEntryShape(urls, handle, c.sha, f)),
  };
}

/** GitHub's `diff-entry`: one changed file of a commit or comparison. */
export function diffEntryShape(urls: Urls, handle: RepoHandle, ref: string, f: FileChange) {
  const api = repoApiUrl(urls, handle.owner, handle.name);
  const web = repoWebUrl(urls, handle.owner, handle.name);
  const path = f.filename.split('/').map(encodeURIComponent).join('/');
  return {
    sha: f.sha,
    filename: f.filename,
    status: f.status,
    additions: f.additions,
    deletions: f.deletions,
    changes: f.additions + f.deletions,
    blob_url: `${web}/blob/${ref}/${path}`,
    raw_url: `${web}/raw/${ref}/${path}`,
    contents_url: `${api}/contents/${path}?ref=${ref}`,
    ...(f.patch !== undefined ? { patch: f.patch } : {}),
    ...(f.previousFilename !== undefined ? { previous_filename: f.previousFilename } : {}),
  };
}

/** The emulator's users commit as `<login>@users.noreply.github.com`, which GitHub links to accounts. */
function accountFor(urls: Urls, email: string) {
  const match = /^(?:\d+\+)?([A-Za-z0-9-]+)@users\.noreply\.github\.com$/.exec(email);
  return match?.[1] ? userShape(urls, match[1]) : null;
}
