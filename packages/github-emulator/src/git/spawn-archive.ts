import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';

/**
 * Streams `git archive` output as it is produced. git reads export-ignore / export-subst / eol
 * attributes from the archived tree itself, which is what GitHub's codeload does too.
 * The child is killed when the consumer goes away, so aborted downloads leave nothing running.
 */
export function spawnArchive(gitDir: string, format: 'zip' | 'tar.gz', prefix: string, sha: string): Readable {
  const child = spawn('git', ['archive', `--format=${format}`, `--prefix=${prefix}`, sha], {
    cwd: gitDir,
    env: { ...process.env, GIT_DIR: gitDir },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const { stdout } = child;
  stdout.on('close', () => {
    if (child.exitCode === null) child.kill();
  });
  child.on('exit', (code) => {
    if (code !== 0 && code !== null) stdout.destroy(new Error(`git archive exited with ${code}`));
  });
  return stdout;
}
