import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { git } from '../../test/support/git-cli.js';

export interface WorkClone {
  /** Appends a line to each of `paths` and commits; returns the new commit's SHA. */
  commit(paths: string[], message: string): Promise<string>;
  /** `git push origin HEAD:<branch>`, as a user would type it; resolves when git exits. */
  push(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A clone of a served bare repository, to change and push from exactly as a developer does: the
 * push runs the repository's hooks, so the emulator delivers the push webhook like GitHub.
 */
export async function openWorkClone(root: string, gitDir: string, branch = 'main'): Promise<WorkClone> {
  const dir = await mkdtemp(path.join(root, 'clone-'));
  await git(dir, ['clone', '--quiet', '--branch', branch, gitDir, '.']);
  return {
    async commit(paths, message) {
      for (const file of paths) await appendFile(path.join(dir, file), `${message}\n`);
      await git(dir, ['commit', '--quiet', '-am', message]);
      return (await git(dir, ['rev-parse', 'HEAD'])).trim();
    },
    async push() {
      await git(dir, ['push', '--quiet', 'origin', `HEAD:refs/heads/${branch}`]);
    },
    close: () => rm(dir, { recursive: true, force: true }),
  };
}
