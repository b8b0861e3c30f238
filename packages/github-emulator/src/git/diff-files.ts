import { runGit } from './run-git.js';

export type FileStatus = 'added' | 'removed' | 'modified' | 'renamed' | 'copied' | 'changed';

export interface FileChange {
  filename: string;
  previousFilename?: string;
  status: FileStatus;
  /** Blob SHA after the change (before it, for removals). */
  sha: string;
  oldMode: string;
  newMode: string;
  additions: number;
  deletions: number;
  binary: boolean;
  patch?: string;
}

const STATUS: Record<string, FileStatus> = { A: 'added', D: 'removed', M: 'modified', R: 'renamed', C: 'copied', T: 'changed' };
const ZERO = '0000000000000000000000000000000000000000';

/**
 * Files changed between two commits (`from` null = the empty tree), with rename detection as
 * GitHub applies it. `limit` caps how many entries get numstat and patches, because GitHub
 * stops listing after 300: https://docs.github.com/rest/commits/commits#compare-two-commits
 */
export async function diffFiles(gitDir: string, from: string | null, to: string, limit: number): Promise<{ files: FileChange[]; total: number }> {
  const base = from ?? (await emptyTree(gitDir));
  const raw = await runGit(gitDir, ['diff-tree', '-r', '-z', '-M', '--no-commit-id', '--no-abbrev', base, to]);
  const all = parseRaw(raw.stdout.toString('utf8'));
  const files = all.slice(0, limit);
  if (files.length === 0) return { files, total: all.length };
  const pathspecs = files.flatMap((f) => (f.previousFilename ? [f.previousFilename, f.filename] : [f.filename])).map((p) => `:(literal)${p}`);
  const [numstat, patch] = await Promise.all([
    runGit(gitDir, ['diff-tree', '-r', '-z', '-M', '--numstat', '--no-commit-id', base, to, '--', ...pathspecs]),
    runGit(gitDir, ['diff-tree', '-r', '-M', '-p', '--no-color', '--no-commit-id', '--no-ext-diff', base, to, '--', ...pathspecs]),
  ]);
  applyNumstat(files, numstat.stdout.toString('utf8'));
  applyPatches(files, patch.stdout.toString('utf8'));
  return { files, total: all.length };
}

/** The SHA of the empty tree, written so that diffs against "nothing" work in any repository. */
export async function emptyTree(gitDir: string): Promise<string> {
  const { stdout } = await runGit(gitDir, ['hash-object', '-t', 'tree', '-w', '--stdin'], { input: '' });
  return stdout.toString('utf8').trim();
}

function parseRaw(text: string): FileChange[] {
  // -z raw format: ":oldmode newmode oldsha newsha STATUS\0path\0[newpath\0]"
  const parts = text.split('\0');
  const out: FileChange[] = [];
  for (let i = 0; i < parts.length; ) {
    const header = parts[i++];
    if (!header || !header.startsWith(':')) continue;
    const [oldMode = '', newMode = '', oldSha = '', newSha = '', code = ''] = header.slice(1).split(' ');
    const letter = code.charAt(0);
    const first = parts[i++] ?? '';
    const renamed = letter === 'R' || letter === 'C';
    const second = renamed ? (parts[i++] ?? '') : undefined;
    const status = STATUS[letter] ?? 'modified';
    out.push({
      filename: second ?? first,
      ...(renamed ? { previousFilename: first } : {}),
      status,
      sha: status === 'removed' ? oldSha : newSha === ZERO ? oldSha : newSha,
      oldMode,
      newMode,
      additions: 0,
      deletions: 0,
      binary: false,
    });
  }
  return out;
}

function applyNumstat(files: FileChange[], text: string): void {
  // -z numstat: "add\tdel\tpath\0" or, for renames, "add\tdel\t\0old\0new\0"
  const byName = new Map(files.map((f) => [f.filename, f]));
  const parts = text.split('\0');
  for (let i = 0; i < parts.length; ) {
    const line = parts[i++];
    if (!line) continue;
    const [add = '0', del = '0', path = ''] = line.split('\t');
    let name = path;
    if (path === '') {
      i++; // old name
      name = parts[i++] ?? '';
    }
    const file = byName.get(name);
    if (!file) continue;
    file.binary = add === '-';
    file.additions = file.binary ? 0 : Number(add);
    file.deletions = file.binary ? 0 : Number(del);
  }
}

function applyPatches(files: FileChange[], text: string): void {
  // Patches come out in the same order as the raw listing; GitHub's `patch` starts at the first hunk.
  const sections = text.split(/^diff --git /m).slice(1);
  sections.forEach((section, index) => {
    const file = files[index];
    if (!file || file.binary) return;
    const hunk = section.indexOf('\n@@');
    if (hunk >= 0) file.patch = section.slice(hunk + 1).replace(/\n$/, '');
  });
}
