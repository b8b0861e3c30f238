import { runGit } from './run-git.js';

/**
 * Resolves a branch, tag, `refs/...` name or (abbreviated) SHA to a full commit SHA, or null.
 * `--end-of-options` keeps user input from being read as a git option.
 */
export async function resolveCommit(gitDir: string, ref: string): Promise<string | null> {
  if (ref === '' || ref.startsWith('-')) return null;
  const { stdout, code } = await runGit(gitDir, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`], {
    okCodes: [1, 128],
  });
  return code === 0 ? stdout.toString('utf8').trim() : null;
}

/** Resolves a tree-ish (tree SHA, commit SHA or ref name) to a tree SHA, or null. */
export async function resolveTree(gitDir: string, treeish: string): Promise<string | null> {
  if (treeish === '' || treeish.startsWith('-')) return null;
  const { stdout, code } = await runGit(gitDir, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${treeish}^{tree}`], {
    okCodes: [1, 128],
  });
  return code === 0 ? stdout.toString('utf8').trim() : null;
}

/** The type of an object (`blob`, `tree`, `commit`, `tag`) or null when it does not exist. */
export async function objectType(gitDir: string, sha: string): Promise<string | null> {
  if (!/^[0-9a-f]{4,40}$/i.test(sha)) return null;
  const { stdout, code } = await runGit(gitDir, ['cat-file', '-t', sha], { okCodes: [1, 128] });
  return code === 0 ? stdout.toString('utf8').trim() : null;
}

/** True when `ancestor` is reachable from `descendant` (so moving a ref between them is a fast-forward). */
export async function isAncestor(gitDir: string, ancestor: string, descendant: string): Promise<boolean> {
  const { code } = await runGit(gitDir, ['merge-base', '--is-ancestor', ancestor, descendant], { okCodes: [1] });
  return code === 0;
}
