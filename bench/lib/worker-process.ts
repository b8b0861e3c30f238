import { spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stopChild } from '../../src/embedded/temporal-dev-server.js';
import { statusField } from './process-memory.js';

const projectRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface WorkerProcess {
  pid: number;
  /** The kernel's high-water mark of the worker's resident memory (VmHWM), in bytes. */
  peakRss(): number;
  /** The largest VmRSS seen by sampling every 100 ms (a cross-check of VmHWM). */
  sampledRss(): number;
  stop(): Promise<void>;
}

/**
 * Runs the production worker entry (`src/worker.ts`) as a process of its own, so its memory is
 * its own: /proc/<pid>/status gives the peak resident set (VmHWM) the kernel recorded.
 * Resolves once the worker logged that it polls its task queue.
 */
export async function startWorkerProcess(env: Record<string, string>): Promise<WorkerProcess> {
  // BENCH_WORKER_NODE_ARGS go to the worker's node only, e.g. '--cpu-prof --cpu-prof-dir=/tmp/prof'.
  const nodeArgs = process.env.BENCH_WORKER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...workerNodeFlags(), ...nodeArgs, '--import', 'tsx', 'src/worker.ts'], {
    cwd: projectRoot,
    env: { ...env, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('the worker process did not start');
  let output = '';
  // BENCH_WORKER_OUTPUT names a file that gets all the worker's output, e.g. with --trace-gc.
  const copy = process.env.BENCH_WORKER_OUTPUT ? createWriteStream(process.env.BENCH_WORKER_OUTPUT, { flags: 'a' }) : undefined;
  const keep = (chunk: Buffer) => {
    copy?.write(chunk);
    output = (output + chunk.toString()).slice(-8000);
  };
  child.stderr.on('data', keep);
  let sampled = 0;
  const sampler = setInterval(() => (sampled = Math.max(sampled, statusField(pid, 'VmRSS'))), 100);
  sampler.unref();
  const stop = async () => {
    clearInterval(sampler);
    await stopChild(child, 15_000);
  };
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the worker did not start within 60 s:\n${output}`)), 60_000);
      child.stdout.on('data', (chunk: Buffer) => {
        keep(chunk);
        if (output.includes('"msg":"worker started"')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the worker exited with ${code} before it started:\n${output}`));
      });
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return { pid, peakRss: () => statusField(pid, 'VmHWM'), sampledRss: () => sampled, stop };
}

/**
 * The node flags `npm run worker` starts the production worker with (the `node …` before
 * `--import tsx` in package.json), so the benchmarked worker runs as deployed.
 */
export function workerNodeFlags(): string[] {
  const scripts = (JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  const words = (scripts.worker ?? '').split(/\s+/);
  if (words[0] !== 'node') return [];
  const end = words.indexOf('--import');
  return words.slice(1, end < 0 ? words.length : end);
}
