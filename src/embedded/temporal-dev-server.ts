import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { allSearchAttributes } from '../shared/search-attributes.js';
import { findTemporalCli } from './temporal-cli.js';
import { freePort, waitForPort } from './wait-for-port.js';

export interface TemporalDevServer {
  address: string;
  uiUrl: string | undefined;
  stop(): Promise<void>;
}

export interface TemporalDevServerOptions {
  cliPath?: string | undefined;
  /** SQLite file that keeps workflow history across restarts; absent keeps it in memory. */
  dbFile?: string;
  port?: number;
  /** Web UI port; undefined starts the server headless. */
  uiPort?: number;
  namespace?: string;
  log?: (line: string) => void;
}

/**
 * Runs `temporal server start-dev` as a child process and resolves once its frontend accepts
 * connections. When no CLI can be found or installed, falls back to @temporalio/testing, which
 * downloads one (needs internet; a last resort).
 */
export async function startTemporalDevServer(options: TemporalDevServerOptions = {}): Promise<TemporalDevServer> {
  const { namespace = 'default', uiPort, dbFile, log = () => {} } = options;
  const cli = await findTemporalCli({ cliPath: options.cliPath });
  const port = options.port ?? (await freePort());
  const host = '127.0.0.1';
  if (!cli) return startThroughTestingPackage({ port, namespace, dbFile });

  const args = ['server', 'start-dev', '--ip', host, '--port', String(port), '--namespace', namespace, '--log-level', 'warn'];
  if (uiPort === undefined) args.push('--headless');
  else args.push('--ui-port', String(uiPort), '--ui-ip', host, '--ui-disable-news-fetch');
  if (dbFile) {
    await mkdir(path.dirname(dbFile), { recursive: true });
    args.push('--db-filename', dbFile);
  }
  // A server accepts only the search attributes registered on it, so every one our workflows set.
  for (const { name, type } of allSearchAttributes) args.push('--search-attribute', `${name}=${devServerType(type)}`);
  // The metrics and HTTP API endpoints would otherwise take fixed ports and clash between servers.
  args.push('--metrics-port', String(await freePort()), '--http-port', String(await freePort()));
  // Its own process group: Ctrl-C or a SIGTERM to our group must not stop the server before the
  // worker has handed its tasks back to it; we stop it last. It is killed when we exit, however.
  const child = spawn(cli, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  forwardLines(child, log);
  let exited = false;
  child.once('exit', () => {
    exited = true;
    process.off('exit', killOnExit);
  });
  await waitForPort(host, port, { timeoutMs: 60_000, isAlive: () => !exited });
  if (uiPort !== undefined) await waitForPort(host, uiPort, { timeoutMs: 30_000, isAlive: () => !exited });
  return {
    address: `${host}:${port}`,
    uiUrl: uiPort === undefined ? undefined : `http://${host}:${uiPort}`,
    stop: () => stopChild(child),
  };
}

async function startThroughTestingPackage(options: { port: number; namespace: string; dbFile: string | undefined }): Promise<TemporalDevServer> {
  const { TestWorkflowEnvironment } = await import('@temporalio/testing');
  const env = await TestWorkflowEnvironment.createLocal({
    server: { ip: '127.0.0.1', port: options.port, namespace: options.namespace, searchAttributes: allSearchAttributes, ...(options.dbFile ? { dbFilename: options.dbFile } : {}) },
  });
  return { address: `127.0.0.1:${options.port}`, uiUrl: undefined, stop: () => env.teardown() };
}

/** The CLI spells search attribute types `Keyword`, `Int`, `KeywordList`…; the SDK `KEYWORD`, `INT`, `KEYWORD_LIST`. */
export function devServerType(type: string): string {
  return type.toLowerCase().replace(/(^|_)([a-z])/g, (_match, _sep: string, letter: string) => letter.toUpperCase());
}

function forwardLines(child: ChildProcess, log: (line: string) => void): void {
  for (const stream of [child.stdout, child.stderr]) {
    stream?.setEncoding('utf8');
    stream?.on('data', (text: string) => text.split('\n').filter(Boolean).forEach(log));
  }
}

/** SIGTERM, then SIGKILL if the child has not exited within `graceMs`. */
export function stopChild(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
