import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { stopChild } from '../../src/embedded/temporal-dev-server.js';

const projectRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Runs bench/lib/bare-insert-server.ts on loopback; resolves with its route's URL once it answers. */
export async function startBareInsertProcess(databaseUrl: string, port: number): Promise<{ url: string; pid: number; stop(): Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/lib/bare-insert-server.ts'], {
    cwd: projectRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATABASE_URL: databaseUrl, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const base = `http://127.0.0.1:${port}`;
  const stop = () => stopChild(child, 10_000);
  for (const deadline = Date.now() + 60_000; ; await new Promise((resolve) => setTimeout(resolve, 100))) {
    if (child.exitCode !== null) throw new Error(`the bare INSERT server exited with ${child.exitCode}:\n${output}`);
    if (await fetch(`${base}/healthz`).then((response) => response.ok, () => false)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the bare INSERT server did not answer within 60 s:\n${output}`);
    }
  }
  return { url: `${base}/bare`, pid: child.pid!, stop };
}
