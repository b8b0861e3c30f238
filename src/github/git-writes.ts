import type { ReposyncOctokit } from './octokit.js';

/**
 * Git Data API writes (https://docs.github.com/rest/guides/using-the-rest-api-to-interact-with-your-git-database):
 * blobs, a tree on a base tree, a commit, and the ref update that publishes it.
 */

type Repo = { owner: string; repo: string };

/** An entry of a create-tree request: https://docs.github.com/rest/git/trees#create-a-tree */
export type TreeRequestEntry =
  | { path: string; mode: string; type: 'blob'; sha: string | null }
  | { path: string; mode: string; type: 'blob'; content: string };

/**
 * The field an answer must carry. A connection cut after the status line leaves Octokit a 2xx
 * without its body: that is an unknown outcome, so it is thrown as retryable, and the retried
 * activity looks for what the request may have created before creating it again.
 */
export function answered<T>(value: T | undefined | null, what: string): T {
  if (value === undefined || value === null || value === '') throw Object.assign(new Error(`GitHub's answer to ${what} arrived without its body`), { status: 502 });
  return value;
}
type CreateTreeEntry = NonNullable<Parameters<ReposyncOctokit['rest']['git']['createTree']>[0]>['tree'][number];

/** Writes the tree chain: each chunk on the previous tree; returns the last tree's SHA. */
export async function writeTrees(octokit: ReposyncOctokit, { owner, repo }: Repo, baseTree: string, chunks: TreeRequestEntry[][]): Promise<string> {
  let tree = baseTree;
  for (const chunk of chunks) {
    const { data } = await octokit.rest.git.createTree({ owner, repo, base_tree: tree, tree: chunk as CreateTreeEntry[] });
    tree = answered(data?.sha, 'create a tree');
  }
  return tree;
}

/** Creates a blob from bytes (base64, so any content survives) and returns GitHub's SHA for it. */
export async function createBlob(octokit: ReposyncOctokit, { owner, repo }: Repo, content: Buffer): Promise<string> {
  const { data } = await octokit.rest.git.createBlob({ owner, repo, content: content.toString('base64'), encoding: 'base64' });
  return answered(data?.sha, 'create a blob');
}

export type RefMove = 'moved' | 'not-fast-forward' | 'protected';

/**
 * Moves a branch with `force: false`: GitHub answers 422 "Update is not a fast forward" when
 * someone pushed meanwhile (https://docs.github.com/rest/git/refs#update-a-reference), and 422 for
 * a protected branch that refuses direct updates. Not retried by the client: the caller re-reads
 * the head, and a retried activity looks for its commit before making another.
 */
export async function moveBranch(octokit: ReposyncOctokit, { owner, repo }: Repo, branch: string, sha: string): Promise<RefMove> {
  try {
    await octokit.rest.git.updateRef({ owner, repo, ref: `heads/${branch}`, sha, force: false, request: { retries: 0 } });
    return 'moved';
  } catch (error) {
    if ((error as { status?: number }).status !== 422) throw error;
    const message = (error as Error).message ?? '';
    if (/not a fast[- ]forward|cannot be updated/i.test(message)) return 'not-fast-forward';
    if (/protected branch|cannot force-push|protected/i.test(message)) return 'protected';
    throw error;
  }
}

/**
 * Points `refs/heads/<branch>` at `sha`, creating it if absent. Only for branches reposync owns
 * (`reposync/<operationId>`): an earlier attempt's commit there is replaced.
 */
export async function ensureOwnBranch(octokit: ReposyncOctokit, { owner, repo }: Repo, branch: string, sha: string): Promise<'created' | 'kept' | 'moved'> {
  try {
    await octokit.rest.git.createRef({ owner, repo, ref: `refs/heads/${branch}`, sha });
    return 'created';
  } catch (error) {
    if ((error as { status?: number }).status !== 422) throw error;
  }
  const { data } = await octokit.rest.git.getRef({ owner, repo, ref: `heads/${branch}` });
  if (answered(data?.object, `read refs/heads/${branch}`).sha === sha) return 'kept';
  await octokit.rest.git.updateRef({ owner, repo, ref: `heads/${branch}`, sha, force: true });
  return 'moved';
}

/** Opens the pull request from `head` into `base`, or finds the one an earlier attempt opened. */
export async function ensurePullRequest(octokit: ReposyncOctokit, { owner, repo }: Repo, pull: { head: string; base: string; title: string; body: string }): Promise<{ number: number; url: string }> {
  try {
    const { data } = await octokit.rest.pulls.create({ owner, repo, ...pull });
    return { number: answered(data?.number, 'create a pull request'), url: answered(data?.html_url, 'create a pull request') };
  } catch (error) {
    // "A pull request already exists for owner:head."
    if ((error as { status?: number }).status !== 422) throw error;
    const { data } = await octokit.rest.pulls.list({ owner, repo, head: `${owner}:${pull.head}`, base: pull.base, state: 'all' });
    const existing = data[0];
    if (!existing) throw error;
    return { number: existing.number, url: existing.html_url };
  }
}

/** True when `sha` is in the history of `head` (compare: `head` is ahead of or identical to it). */
export async function isInHistory(octokit: ReposyncOctokit, { owner, repo }: Repo, sha: string, head: string): Promise<boolean> {
  if (sha === head) return true;
  try {
    const { data } = await octokit.rest.repos.compareCommitsWithBasehead({ owner, repo, basehead: `${sha}...${head}`, per_page: 1 });
    return data.status === 'ahead' || data.status === 'identical';
  } catch (error) {
    // A commit no branch reaches may be collected; it is not in the history either way.
    if ((error as { status?: number }).status === 404) return false;
    throw error;
  }
}
