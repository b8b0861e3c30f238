import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runGit } from './run-git.js';

/** One change to apply on top of a base tree. `sha: null` deletes the path (file or whole directory). */
export type TreeEdit =
  | { path: string; mode: string; sha: string }
  | { path: string; mode: string; content: Buffer }
  | { path: string; sha: null };

interface Entry {
  mode: string;
  sha: string;
}

/**
 * Builds a tree the way GitHub's "create a tree" does: start from `baseTree` (or nothing), apply
 * the edits in order — nested paths create intermediate trees, a file replaces a directory and
 * the reverse — and write the result. The flattened tree is edited in memory and written through
 * a throwaway index in a handful of git calls, so large trees stay fast.
 * https://docs.github.com/rest/git/trees#create-a-tree
 */
export async function buildTree(gitDir: string, baseTree: string | null, edits: TreeEdit[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'gh-emulator-tree-'));
  try {
    const entries = baseTree ? await listTree(gitDir, baseTree, '') : new Map<string, Entry>();
    const blobShas = await writeBlobs(gitDir, dir, edits);
    let blobIndex = 0;
    for (const edit of edits) {
      const path = edit.path.replace(/^\/+|\/+$/g, '');
      removeUnder(entries, path);
      if ('content' in edit) {
        entries.set(path, { mode: edit.mode, sha: blobShas[blobIndex++] ?? '' });
      } else if (edit.sha === null) {
        continue;
      } else if (edit.mode === '040000') {
        for (const [sub, entry] of await listTree(gitDir, edit.sha, `${path}/`)) entries.set(sub, entry);
      } else {
        entries.set(path, { mode: edit.mode, sha: edit.sha });
      }
    }
    const env = { GIT_INDEX_FILE: join(dir, 'index') };
    const lines = [...entries].map(([path, e]) => `${e.mode} ${e.sha}\t${path}\0`).join('');
    await runGit(gitDir, ['update-index', '-z', '--index-info'], { env, input: lines });
    const { stdout } = await runGit(gitDir, ['write-tree', '--missing-ok'], { env });
    return stdout.toString('utf8').trim();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Writes content as a blob object and returns its SHA. */
export async function writeBlob(gitDir: string, content: Buffer): Promise<string> {
  const { stdout } = await runGit(gitDir, ['hash-object', '-w', '--no-filters', '--stdin'], { input: content });
  return stdout.toString('utf8').trim();
}

/** Every non-tree entry below `tree`, keyed by `prefix + path`. */
async function listTree(gitDir: string, tree: string, prefix: string): Promise<Map<string, Entry>> {
  const { stdout } = await runGit(gitDir, ['ls-tree', '-r', '-z', '--full-tree', tree]);
  const entries = new Map<string, Entry>();
  for (const line of stdout.toString('utf8').split('\0')) {
    const tab = line.indexOf('\t');
    if (tab < 0) continue;
    const [mode = '', , sha = ''] = line.slice(0, tab).split(' ');
    entries.set(prefix + line.slice(tab + 1), { mode, sha });
  }
  return entries;
}

/** Drops `path`, everything below it, and any file standing where one of its parent directories must go. */
function removeUnder(entries: Map<string, Entry>, path: string): void {
  entries.delete(path);
  const below = `${path}/`;
  for (const key of entries.keys()) if (key.startsWith(below)) entries.delete(key);
  const parts = path.split('/');
  for (let i = 1; i < parts.length; i++) entries.delete(parts.slice(0, i).join('/'));
}

/** Hashes all inline contents in one `hash-object --stdin-paths` call. */
async function writeBlobs(gitDir: string, dir: string, edits: TreeEdit[]): Promise<string[]> {
  const contents = edits.flatMap((e) => ('content' in e ? [e.content] : []));
  if (contents.length === 0) return [];
  const paths = await Promise.all(
    contents.map(async (content, i) => {
      const file = join(dir, `blob-${i}`);
      await writeFile(file, content);
      return file;
    }),
  );
  const { stdout } = await runGit(gitDir, ['hash-object', '-w', '--no-filters', '--stdin-paths'], { input: paths.join('\n') + '\n' });
  return stdout.toString('utf8').trim().split('\n');
}
