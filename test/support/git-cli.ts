import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

const GIT_ENV = {
  GIT_AUTHOR_NAME: 'Test Author',
  GIT_AUTHOR_EMAIL: 'author@example.com',
  GIT_COMMITTER_NAME: 'Test Author',
  GIT_COMMITTER_EMAIL: 'author@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
};

/** Runs git in `cwd` with a fixed identity; returns stdout. */
export async function git(cwd: string, args: string[]): Promise<string> {
  const { stdout } = await run('git', args, { cwd, env: { ...process.env, ...GIT_ENV }, maxBuffer: 256 * 1024 * 1024 });
  return stdout;
}

/** `git ls-tree -r` of a commit: path → { mode, type, sha }, the reference a snapshot must match. */
export async function lsTree(gitDir: string, commit: string): Promise<Map<string, { mode: string; type: string; sha: string }>> {
  const out = await git(gitDir, ['ls-tree', '-r', '-z', commit]);
  const entries = new Map<string, { mode: string; type: string; sha: string }>();
  for (const record of out.split('\0').filter(Boolean)) {
    const [meta, filePath] = [record.slice(0, record.indexOf('\t')), record.slice(record.indexOf('\t') + 1)];
    const [mode, type, sha] = meta.split(' ') as [string, string, string];
    entries.set(filePath, { mode, type, sha });
  }
  return entries;
}

/** Clones a served bare repository, lets `work` change it, then pushes — exactly as a user would. */
export async function pushWithClone(bareDir: string, work: (dir: string) => Promise<void>, { branch = 'main' } = {}): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'reposync-clone-'));
  try {
    await git(dir, ['clone', '--quiet', bareDir, '.']);
    await git(dir, ['checkout', '--quiet', '-B', branch]);
    await work(dir);
    await git(dir, ['add', '-A']);
    await git(dir, ['commit', '--quiet', '-m', 'change']);
    await git(dir, ['push', '--quiet', 'origin', `HEAD:refs/heads/${branch}`]);
    return (await git(dir, ['rev-parse', 'HEAD'])).trim();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
