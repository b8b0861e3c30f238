import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

export interface EmbeddedPorts {
  api: number;
  temporal: number;
  ui: number;
}

export interface EmbeddedProcess {
  child: ChildProcess;
  output(): string;
}

/**
 * Runs `npm start` exactly as the README says, with nothing configured but ports, DATA_DIR and
 * `env`, as the leader of its own process group (as a terminal runs a job), and resolves once
 * /readyz answers 200.
 */
export async function startEmbedded(dataDir: string, ports: EmbeddedPorts, env: Record<string, string> = {}): Promise<EmbeddedProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: dataDir, PORT: String(ports.api), TEMPORAL_DEV_SERVER_PORT: String(ports.temporal), TEMPORAL_UI_PORT: String(ports.ui), LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`npm start exited early: ${output}`);
    const ready = await fetch(`http://127.0.0.1:${ports.api}/readyz`).then((r) => r.status, () => 0);
    if (ready === 200) return { child, output: () => output };
    await sleep(250);
  }
  child.kill('SIGKILL');
  throw new Error(`/readyz never answered 200: ${output}`);
}

/** Sends `signal` to the process alone (as `kill <pid>` does); resolves with its exit code. */
export function stopEmbedded(child: ChildProcess, signal: NodeJS.Signals = 'SIGINT'): Promise<number | null> {
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill(signal);
  });
}

/**
 * Sends `signal` to the whole process group (as Ctrl-C in a terminal or `docker stop` of a shell
 * does) and resolves with the exit code and how long the process took to exit.
 */
export function signalGroup(child: ChildProcess, signal: NodeJS.Signals): Promise<{ code: number | null; elapsedMs: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve({ code, elapsedMs: Date.now() - started }));
    process.kill(-child.pid!, signal);
  });
}

/** True once no process is left in the group `child` leads. */
export function groupIsGone(child: ChildProcess): boolean {
  try {
    process.kill(-child.pid!, 0);
    return false;
  } catch {
    return true;
  }
}

export async function portIsClosed(port: number): Promise<boolean> {
  return fetch(`http://127.0.0.1:${port}/`).then(() => false, () => true);
}
