import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { stopChild } from '../../src/embedded/temporal-dev-server.js';

const projectRoot = fileURLToPath(new URL('../../', import.meta.url));

/** A `kB` field of /proc/<pid>/status, in bytes (0 once the process is gone). */
export function statusField(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * Sets the kernel's high-water mark (VmHWM) of `pid` back to its current RSS, so a later VmHWM
 * is the peak of what happened since, not of the start-up. Linux only (clear_refs value 5);
 * false where the kernel refuses it, and the caller falls back to sampling.
 */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The resident set of a process at rest: it is left alone for `settleMs`, then VmRSS is read
 * every 100 ms for a second and the median is taken, so one garbage collection does not count.
 */
export async function idleRss(pid: number, settleMs = 5_000): Promise<number> {
  await sleep(settleMs);
  const samples: number[] = [];
  for (let i = 0; i < 11; i += 1) {
    samples.push(statusField(pid, 'VmRSS'));
    await sleep(100);
  }
  samples.sort((a, b) => a - b);
  return samples[5]!;
}

/** The largest VmRSS seen by sampling every `everyMs` until `stop` is called. */
export function sampleRss(pid: number, everyMs = 50): { stop(): number } {
  let max = 0;
  const timer = setInterval(() => (max = Math.max(max, statusField(pid, 'VmRSS'))), everyMs);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(max, statusField(pid, 'VmRSS'));
    },
  };
}

export interface IdleChild {
  pid: number;
  stop(): Promise<void>;
}

/**
 * Runs `node <args>` from the project root and resolves once it printed `ready` on stdout, for
 * measuring what a process costs at rest.
 */
export async function startIdleChild(args: string[], ready: string, env: Record<string, string> = {}): Promise<IdleChild> {
  const child: ChildProcess = spawn(process.execPath, args, { cwd: projectRoot, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`node ${args.join(' ')} did not start`);
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-8000));
  child.stderr?.on('data', keep);
  const stop = () => stopChild(child, 15_000);
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`node ${args.join(' ')} was not ready within 60 s:\n${output}`)), 60_000);
      child.stdout?.on('data', (chunk: Buffer) => {
        keep(chunk);
        if (output.includes(ready)) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`node ${args.join(' ')} exited with ${code} before it was ready:\n${output}`));
      });
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return { pid, stop };
}
