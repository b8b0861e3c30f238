import { buildTree, type TreeEdit } from '../git/build-tree.js';
import { objectType, resolveTree } from '../git/resolve-commit.js';
import { runGit } from '../git/run-git.js';
import type { Context } from '../http/context.js';
import { HttpError } from '../http/http-error.js';
import type { Router } from '../http/router.js';
import { repoApiUrl, type Urls } from '../shapes/urls.js';
import type { RepoHandle } from '../state/repo-store.js';

const DOCS = 'https://docs.github.com/rest/git/trees';
const MODES = new Set(['100644', '100755', '040000', '160000', '120000']);

/** Git trees: https://docs.github.com/rest/git/trees */
export function treeRoutes(router: Router): void {
  router.add('GET', '/repos/{owner}/{repo}/git/trees/{tree_sha}', `${DOCS}#get-a-tree`, async (ctx: Context) => {
    const handle = await ctx.core.repo(ctx);
    const tree = await resolveTree(handle.gitDir, ctx.params.tree_sha ?? '');
    if (!tree) throw new HttpError(404, 'Not Found', { documentation_url: ctx.docs });
    // Any value of `recursive` turns recursion on, even "0" and "false" (GitHub documents this).
    const recursive = ctx.query.has('recursive');
    return { status: 200, json: await treeShape(ctx, handle, tree, recursive) };
  });

  router.add('POST', '/repos/{owner}/{repo}/git/trees', `${DOCS}#create-a-tree`, async (ctx: Context) => {
    const handle = await ctx.core.repo(ctx, { write: true });
    const { base_tree: baseTree, tree } = (ctx.body ?? {}) as { base_tree?: unknown; tree?: unknown };
    if (!Array.isArray(tree)) throw new HttpError(422, 'Invalid request.\n\n"tree" wasn\'t supplied.', { documentation_url: ctx.docs });
    let base: string | null = null;
    if (baseTree !== undefined && baseTree !== null) {
      base = typeof baseTree === 'string' ? await resolveTree(handle.gitDir, baseTree) : null;
      if (!base) throw new HttpError(422, 'Invalid tree info', { documentation_url: ctx.docs });
    }
    const edits: TreeEdit[] = [];
    for (const raw of tree as unknown[]) edits.push(await parseEntry(ctx, handle, raw));
    const sha = await buildTree(handle.gitDir, base, edits);
    return {
      status: 201,
      json: await treeShape(ctx, handle, sha, false),
      headers: { location: `${repoApiUrl(ctx.core.urls, handle.owner, handle.name)}/git/trees/${sha}` },
    };
  });
}

/**
 * Validates one entry of a create-tree request the way GitHub does: a known mode, `content`
 * or `sha` but not both, `sha: null` to delete, and a `sha` that names an existing object.
 */
async function parseEntry(ctx: Context, handle: RepoHandle, raw: unknown): Promise<TreeEdit> {
  const entry = (raw ?? {}) as { path?: unknown; mode?: unknown; type?: unknown; sha?: unknown; content?: unknown };
  const fail = (message: string) => new HttpError(422, message, { documentation_url: ctx.docs });
  if (typeof entry.path !== 'string' || entry.path === '') throw fail('Invalid request.\n\n"path" wasn\'t supplied.');
  const path = entry.path;
  if (typeof entry.mode !== 'string' || !MODES.has(entry.mode)) throw fail(`Invalid request.\n\n${JSON.stringify(entry.mode)} is not a member of ["100644", "100755", "040000", "160000", "120000"].`);
  const mode = entry.mode;
  const hasContent = entry.content !== undefined && entry.content !== null;
  if (hasContent && entry.sha !== undefined) throw fail('Must supply either tree.sha or tree.content. Request will be rejected if both are present.');
  if (hasContent) {
    if (typeof entry.content !== 'string') throw fail('Invalid request.\n\n"content" must be a string.');
    if (mode === '040000' || mode === '160000') throw fail('Invalid tree info');
    return { path, mode, content: Buffer.from(entry.content, 'utf8') };
  }
  if (entry.sha === null) return { path, sha: null };
  if (typeof entry.sha !== 'string') throw fail('Must supply either tree.sha or tree.content. Request will be rejected if both are present.');
  const expected = mode === '040000' ? 'tree' : mode === '160000' ? 'commit' : 'blob';
  // Submodule entries point into other repositories, so their SHA need not exist here.
  if (expected !== 'commit') {
    const type = await objectType(handle.gitDir, entry.sha);
    if (type !== expected || entry.sha.length !== 40) throw fail(`Invalid tree info`);
  }
  return { path, mode, sha: entry.sha };
}

/**
 * GitHub's `git-tree`. Recursive listings stop at the entry / byte limits with `truncated: true`.
 * https://docs.github.com/rest/git/trees#get-a-tree
 */
async function treeShape(ctx: Context, handle: RepoHandle, sha: string, recursive: boolean) {
  const args = recursive ? ['ls-tree', '-r', '-t', '-l', '-z', '--full-tree', sha] : ['ls-tree', '-l', '-z', '--full-tree', sha];
  const { stdout } = await runGit(handle.gitDir, args);
  const { treeEntries, treeBytes } = ctx.core.limits;
  const entries: ReturnType<typeof entryShape>[] = [];
  let bytes = 0;
  let truncated = false;
  for (const line of stdout.toString('utf8').split('\0')) {
    const tab = line.indexOf('\t');
    if (tab < 0) continue;
    const [mode = '', type = '', object = '', size = '-'] = line.slice(0, tab).split(/ +/);
    const entry = entryShape(ctx.core.urls, handle, line.slice(tab + 1), mode, type, object, size);
    bytes += JSON.stringify(entry).length + 1;
    if (recursive && (entries.length >= treeEntries || bytes > treeBytes)) {
      truncated = true;
      break;
    }
    entries.push(entry);
  }
  return { sha, url: `${repoApiUrl(ctx.core.urls, handle.owner, handle.name)}/git/trees/${sha}`, tree: entries, truncated };
}

function entryShape(urls: Urls, handle: RepoHandle, path: string, mode: string, type: string, sha: string, size: string) {
  const api = repoApiUrl(urls, handle.owner, handle.name);
  return {
    path,
    mode,
    type,
    sha,
    ...(type === 'blob' ? { size: Number(size) } : {}),
    ...(type === 'commit' ? {} : { url: `${api}/git/${type === 'tree' ? 'trees' : 'blobs'}/${sha}` }),
  };
}
