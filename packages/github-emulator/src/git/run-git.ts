import { spawn } from 'node:child_process';

export interface RunGitOptions {
  input?: string | Buffer;
  env?: Record<string, string>;
  /** Exit codes that are answers rather than failures (e.g. 1 from `merge-base --is-ancestor`). */
  okCodes?: number[];
}

export interface GitResult {
  stdout: Buffer;
  code: number;
}

/** A git command that failed; carries its arguments, exit code and stderr for diagnosis. */
export class GitError extends Error {
  constructor(
    readonly args: string[],
    readonly code: number | null,
    readonly stderr: string,
  ) {
    super(`git ${args.join(' ')} exited with ${code}: ${stderr.trim()}`);
  }
}

/**
 * Runs the git CLI against `gitDir` and collects stdout. Every emulator state change goes
 * through real git so that what the API reports is exactly what a clone would see.
 */
export function runGit(gitDir: string, args: string[], options: RunGitOptions = {}): Promise<GitResult> {
  const { input, env, okCodes = [] } = options;
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, {
      cwd: gitDir,
      env: { ...process.env, GIT_DIR: gitDir, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const stdout = Buffer.concat(out);
      if (code === 0 || (code !== null && okCodes.includes(code))) resolve({ stdout, code });
      else reject(new GitError(args, code, Buffer.concat(err).toString('utf8')));
    });
    child.stdin.on('error', () => undefined); // git may exit before reading all input
    child.stdin.end(input ?? '');
  });
}

/** `runGit` returning trimmed UTF-8 stdout. */
export async function gitText(gitDir: string, args: string[], options: RunGitOptions = {}): Promise<string> {
  const { stdout } = await runGit(gitDir, args, options);
  return stdout.toString('utf8').trim();
}
