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
 * Every blob and submodule of a commit's tree, the truth a sync is checked against, in one array.
 * See `readTreeInParts` for how a tree GitHub truncates is read.
 */
export async function readRecursiveTree(octokit: ReposyncOctokit, owner: string, repo: string, treeSha: string): Promise<TreeEntry[]> {
  const entries: TreeEntry[] = [];
  await readTreeInParts(octokit, owner, repo, treeSha, (part) => void entries.push(...part));
  return entries;
}

/**
 * Every blob and submodule of a commit's tree, handed to `onPart` one GitHub answer at a time, so
 * a caller that stores each part holds no more than one answer's entries at once.
 * One recursive request normally. GitHub truncates a recursive tree past 100,000 entries or
 * 7 MB and says to fetch sub-trees instead (https://docs.github.com/rest/git/trees#get-a-tree):
 * we then list that level and read each sub-tree recursively, splitting again only where a
 * sub-tree is itself too big — a few requests per oversized directory, not one per directory.
 */
export async function readTreeInParts(
  octokit: ReposyncOctokit,
  owner: string,
  repo: string,
  treeSha: string,
  onPart: (entries: TreeEntry[]) => Promise<void> | void,
  prefix = '',
): Promise<void> {
  const subTrees = await readOneLevelOrAll(octokit, owner, repo, treeSha, prefix, onPart);
  for (const subTree of subTrees) await readTreeInParts(octokit, owner, repo, subTree.sha, onPart, subTree.prefix);
}

/**
 * The whole tree under `treeSha` when GitHub answers it untruncated; otherwise only its own level
 * of entries, and the sub-trees left to read. The truncated answer is dropped before the next
 * request, so it is never held beside the parts read after it.
 */
async function readOneLevelOrAll(
  octokit: ReposyncOctokit,
  owner: string,
  repo: string,
  treeSha: string,
  prefix: string,
  onPart: (entries: TreeEntry[]) => Promise<void> | void,
): Promise<Array<{ sha: string; prefix: string }>> {
  if (await readWholeUnlessTruncated(octokit, owner, repo, treeSha, prefix, onPart)) return [];
  const { data: level } = await octokit.rest.git.getTree({ owner, repo, tree_sha: treeSha });
  await onPart(collect(level.tree as RawTreeEntry[], prefix));
  const subTrees: Array<{ sha: string; prefix: string }> = [];
  for (const entry of level.tree as RawTreeEntry[]) {
    if (entry.type === 'tree' && entry.sha && entry.path) subTrees.push({ sha: entry.sha, prefix: `${prefix}${entry.path}/` });
  }
  return subTrees;
}

/** Reads the recursive tree into `onPart`; false, having kept nothing, when GitHub truncated it. */
async function readWholeUnlessTruncated(
  octokit: ReposyncOctokit,
  owner: string,
  repo: string,
  treeSha: string,
  prefix: string,
  onPart: (entries: TreeEntry[]) => Promise<void> | void,
): Promise<boolean> {
  const { data } = await octokit.rest.git.getTree({ owner, repo, tree_sha: treeSha, recursive: 'true' });
  if (data.truncated) return false;
  await onPart(collect(data.tree as RawTreeEntry[], prefix));
  return true;
}

function collect(raw: RawTreeEntry[], prefix: string): TreeEntry[] {
  const entries: TreeEntry[] = [];
  for (const entry of raw) {
    if ((entry.type !== 'blob' && entry.type !== 'commit') || !entry.path || !entry.sha || !entry.mode) continue;
    entries.push({ path: prefix + entry.path, mode: entry.mode, type: entry.type, sha: entry.sha, size: entry.size ?? 0 });
  }
  return entries;
}
