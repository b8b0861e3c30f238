import type { ReposyncOctokit } from './octokit.js';

export interface TreeEntry {
  path: string;
  /** 100644, 100755, 120000 (symlink), 160000 (submodule). */
  mode: string;
  type: 'blob' | 'commit';
  sha: string;
  /** Blob size in bytes; 0 for submodules. */
  size: number;
}

interface RawTreeEntry {
  path?: string;
  mode?: string;
  type?: string;
  sha?: string;
  size?: number;
}

/**
 * Every blob and submodule of a commit's tree, the truth a sync is checked against.
 * One recursive request normally. GitHub truncates a recursive tree past 100,000 entries or
 * 7 MB and says to fetch sub-trees instead (https://docs.github.com/rest/git/trees#get-a-tree):
 * we then list that level and read each sub-tree recursively, splitting again only where a
 * sub-tree is itself too big — a few requests per oversized directory, not one per directory.
 */
export async function readRecursiveTree(octokit: ReposyncOctokit, owner: string, repo: string, treeSha: string, prefix = ''): Promise<TreeEntry[]> {
  const { data } = await octokit.rest.git.getTree({ owner, repo, tree_sha: treeSha, recursive: 'true' });
  if (!data.truncated) return collect(data.tree as RawTreeEntry[], prefix);
  const { data: level } = await octokit.rest.git.getTree({ owner, repo, tree_sha: treeSha });
  const entries = collect(level.tree as RawTreeEntry[], prefix);
  for (const entry of level.tree as RawTreeEntry[]) {
    if (entry.type === 'tree' && entry.sha && entry.path) entries.push(...(await readRecursiveTree(octokit, owner, repo, entry.sha, `${prefix}${entry.path}/`)));
  }
  return entries;
}

function collect(raw: RawTreeEntry[], prefix: string): TreeEntry[] {
  const entries: TreeEntry[] = [];
  for (const entry of raw) {
    if ((entry.type !== 'blob' && entry.type !== 'commit') || !entry.path || !entry.sha || !entry.mode) continue;
    entries.push({ path: prefix + entry.path, mode: entry.mode, type: entry.type, sha: entry.sha, size: entry.size ?? 0 });
  }
  return entries;
}
