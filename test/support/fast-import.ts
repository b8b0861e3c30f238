import { spawn } from 'node:child_process';

export type FastImportFile =
  | { path: string; content: string | Buffer; mode?: '100644' | '100755' }
  | { path: string; symlink: string }
  | { path: string; submodule: string };

/**
 * Writes one commit onto `branch` of a bare repository with `git fast-import`, streaming the
 * input: tens of thousands of files in seconds, without a work tree.
 * https://git-scm.com/docs/git-fast-import
 */
export async function fastImportCommit(gitDir: string, branch: string, files: Iterable<FastImportFile>, message = 'import'): Promise<void> {
  const child = spawn('git', ['fast-import', '--quiet'], { cwd: gitDir, env: { ...process.env, GIT_DIR: gitDir }, stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<void>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`git fast-import exited with ${code}: ${stderr}`))));
  });
  const write = (chunk: string | Buffer) => (child.stdin.write(chunk) ? Promise.resolve() : new Promise<void>((resolve) => child.stdin.once('drain', () => resolve())));
  const data = async (content: string | Buffer) => {
    const bytes = typeof content === 'string' ? Buffer.from(content) : content;
    await write(`data ${bytes.length}\n`);
    await write(bytes);
    await write('\n');
  };
  await write(`commit refs/heads/${branch}\ncommitter Tester <tester@example.com> 1700000000 +0000\n`);
  await data(message);
  for (const file of files) {
    // Quoted paths take C-style escapes; JSON's are a compatible subset for what we generate.
    const path = JSON.stringify(file.path);
    if ('submodule' in file) await write(`M 160000 ${file.submodule} ${path}\n`);
    else if ('symlink' in file) {
      await write(`M 120000 inline ${path}\n`);
      await data(file.symlink);
    } else {
      await write(`M ${file.mode ?? '100644'} inline ${path}\n`);
      await data(file.content);
    }
  }
  child.stdin.end();
  await done;
}
