import { readCommits } from './read-commits.js';
import { isAncestor } from './resolve-commit.js';
import { runGit } from './run-git.js';

export interface Signature {
  name: string;
  email: string;
}

/**
 * The tree of merging `head` into `base`, or null on conflicts. `git merge-tree --write-tree`
 * (git >= 2.38) merges without a worktree, the way GitHub computes mergeability server-side.
 */
export async function mergeTree(gitDir: string, base: string, head: string): Promise<string | null> {
  const { stdout, code } = await runGit(gitDir, ['merge-tree', '--write-tree', '--no-messages', '--allow-unrelated-histories', base, head], { okCodes: [1] });
  return code === 0 ? (stdout.toString('utf8').split('\n')[0] ?? '').trim() : null;
}

export async function commitTree(gitDir: string, tree: string, parents: string[], message: string, author: Signature, committer: Signature = author, authorDate?: string): Promise<string> {
  const now = new Date().toISOString();
  const env = {
    GIT_AUTHOR_NAME: author.name,
    GIT_AUTHOR_EMAIL: author.email,
    GIT_AUTHOR_DATE: authorDate ?? now,
    GIT_COMMITTER_NAME: committer.name,
    GIT_COMMITTER_EMAIL: committer.email,
    GIT_COMMITTER_DATE: now,
  };
  const { stdout } = await runGit(gitDir, ['commit-tree', tree, ...parents.flatMap((p) => ['-p', p])], { input: message, env });
  return stdout.toString('utf8').trim();
}

/**
 * Merges `head` into `base` with one of GitHub's merge methods and returns the new base tip,
 * or null when the merge cannot be done cleanly.
 * https://docs.github.com/repositories/configuring-branches-and-merges-in-your-repository/configuring-pull-request-merges/about-merge-methods-on-github
 */
export async function mergeCommits(
  gitDir: string,
  base: string,
  head: string,
  method: 'merge' | 'squash' | 'rebase',
  message: string,
  committer: Signature,
): Promise<string | null> {
  if (method === 'rebase') {
    // Replaying commits needs a base the head already contains; otherwise GitHub asks for a manual rebase.
    if (!(await isAncestor(gitDir, base, head))) return null;
    let tip = base;
    for (const c of await readCommits(gitDir, ['--reverse', '--first-parent', `${base}..${head}`])) {
      tip = await commitTree(gitDir, c.tree, [tip], c.message, c.author, committer, c.author.date);
    }
    return tip;
  }
  const tree = await mergeTree(gitDir, base, head);
  if (!tree) return null;
  return commitTree(gitDir, tree, method === 'merge' ? [base, head] : [base], message, committer);
}
