import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The ref that keeps a prepared chain reachable until the branch has been moved along it. */
export const CHAIN_REF = 'refs/bench/chain';

export interface ChainCommit {
  sha: string;
  tree: string;
  message: string;
  /** The one file the commit modified. */
  path: string;
  /** Unix seconds, as committed. */
  time: number;
}

export interface CommitChain {
  /** The commit `main` points at: `files` small text files. */
  base: string;
  /** Commits that follow `base`, oldest first, each modifying one file; `main` does not see them yet. */
  commits: ChainCommit[];
}

const filePath = (i: number, files: number) => `src/f${String(i % files).padStart(4, '0')}.txt`;

/**
 * Writes, through one `git fast-import`, a first commit of `files` small files on `main` and a
 * linear chain of `length` one-file commits after it on CHAIN_REF. The benchmark then moves
 * `main` along the chain commit by commit, one real push each, without a git process per push.
 * https://git-scm.com/docs/git-fast-import
 */
export async function writeCommitChain(gitDir: string, { files, length, tag }: { files: number; length: number; tag: string }): Promise<CommitChain> {
  const child = spawn('git', ['fast-import', '--quiet', '--done'], { cwd: gitDir, env: { ...process.env, GIT_DIR: gitDir }, stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const exited = once(child, 'exit') as Promise<[number | null]>;
  const lines: string[] = [];
  const data = (text: string) => `data ${Buffer.byteLength(text)}\n${text}\n`;
  const commit = (ref: string, time: number, message: string) => `commit ${ref}\ncommitter Bench <bench@example.invalid> ${time} +0000\n${data(message)}`;
  const start = 1_700_000_000;
  lines.push(commit('refs/heads/main', start, `${tag}: ${files} files`));
  for (let i = 0; i < files; i += 1) lines.push(`M 100644 inline ${filePath(i, files)}\n${data(`${tag} file ${i}\n`.repeat(24))}`);
  lines.push(`${commit(CHAIN_REF, start + 1, `${tag}: change 1`)}from refs/heads/main\nM 100644 inline ${filePath(0, files)}\n${data(`${tag} change 1\n`)}`);
  for (let n = 2; n <= length; n += 1) lines.push(`${commit(CHAIN_REF, start + n, `${tag}: change ${n}`)}M 100644 inline ${filePath(n - 1, files)}\n${data(`${tag} change ${n}\n`)}`);
  lines.push('done\n');
  child.stdin.end(lines.join(''));
  const [code] = await exited;
  if (code !== 0) throw new Error(`git fast-import exited with ${code}: ${stderr}`);

  const { stdout: base } = await run('git', ['rev-parse', 'refs/heads/main'], { cwd: gitDir, env: { ...process.env, GIT_DIR: gitDir } });
  const { stdout } = await run('git', ['log', '--reverse', '--format=%H %T %ct %s', `refs/heads/main..${CHAIN_REF}`], { cwd: gitDir, env: { ...process.env, GIT_DIR: gitDir }, maxBuffer: 64 << 20 });
  const commits = stdout
    .split('\n')
    .filter(Boolean)
    .map((line, n) => {
      const [sha = '', tree = '', time = '', ...subject] = line.split(' ');
      return { sha, tree, time: Number(time), message: subject.join(' '), path: filePath(n, files) };
    });
  if (commits.length !== length) throw new Error(`expected ${length} chain commits in ${gitDir}, found ${commits.length}`);
  return { base: base.trim(), commits };
}
