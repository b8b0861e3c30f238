import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { stopChild } from '../../src/embedded/temporal-dev-server.js';

const projectRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface ApiProcess {
  /** `http://127.0.0.1:<port>`, where the API listens. */
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** A port nothing listens on now (the kernel's pick), for a process that must be told its port. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('no port was assigned');
  return address.port;
}

/**
 * Runs the production API entry (`src/api/main.ts`, `npm run api`) as a process of its own on
 * loopback, so a load generator in the benchmark's process never shares its event loop.
 * Resolves once /healthz answers. The log goes nowhere but its tail, kept for a failure message.
 */
export async function startApiProcess(env: Record<string, string>, { port, logLevel = 'info' }: { port: number; logLevel?: string }): Promise<ApiProcess> {
  const child = spawn(process.execPath, [...(process.env.BENCH_API_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_API_CPU_PROF}`] : []), '--import', 'tsx', 'src/api/main.ts'], {
    cwd: projectRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env, HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: logLevel },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error('the API process did not start');
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-8000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  const stop = () => stopChild(child, 15_000);
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the API exited with ${child.exitCode} before it listened:\n${output}`);
    const healthy = await fetch(`${url}/healthz`).then((response) => response.ok, () => false);
    if (healthy) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the API did not answer /healthz within 60 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url, pid: child.pid, stop };
}
