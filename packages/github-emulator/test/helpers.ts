import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Octokit } from '@octokit/rest';
import { startGitHubEmulator, type GitHubEmulator } from '../src/index.js';
import type { EmulatorOptions } from '../src/types.js';

const exec = promisify(execFile);

/** Octokit logs every 4xx; the tests provoke many on purpose. */
export const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

export interface Harness {
  emulator: GitHubEmulator;
  octokit: Octokit;
  root: string;
  close(): Promise<void>;
}

/** An emulator over a fresh temporary root plus an Octokit pointed at it with the default PAT. */
export async function startHarness(options: Partial<EmulatorOptions> = {}): Promise<Harness> {
  const root = await mkdtemp(join(tmpdir(), 'gh-emulator-test-'));
  const emulator = await startGitHubEmulator({ root, ...options });
  const octokit = new Octokit({ baseUrl: emulator.url, auth: emulator.token, log: quiet });
  return {
    emulator,
    octokit,
    root,
    close: async () => {
      await emulator.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

export function octokitFor(emulator: GitHubEmulator, auth?: string): Octokit {
  return new Octokit({ baseUrl: emulator.url, log: quiet, ...(auth ? { auth } : {}) });
}

/** Runs git with a fixed identity; returns trimmed stdout. */
export async function git(cwd: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  const { stdout } = await exec('git', args, {
    cwd,
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, GIT_AUTHOR_NAME: 'Tester', GIT_AUTHOR_EMAIL: 'tester@example.com', GIT_COMMITTER_NAME: 'Tester', GIT_COMMITTER_EMAIL: 'tester@example.com', ...env },
  });
  return stdout.trim();
}

export interface ReceivedHook {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A local HTTP endpoint that records webhook deliveries, answering with `status`. */
export async function startReceiver(status = 200): Promise<{ url: string; received: ReceivedHook[]; waitFor(n: number, timeoutMs?: number): Promise<ReceivedHook[]>; close(): Promise<void> }> {
  const received: ReceivedHook[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(status, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return {
    url,
    received,
    waitFor: async (n, timeoutMs = 10_000) => {
      const deadline = Date.now() + timeoutMs;
      while (received.length < n) {
        if (Date.now() > deadline) throw new Error(`expected ${n} deliveries, got ${received.length}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return received;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * Appends `count` commits to `branch` of a bare repository in one `git fast-import` run, each
 * changing `counter.txt`; much faster than one commit at a time for history-heavy tests.
 */
export async function appendCommits(gitDir: string, branch: string, count: number, prefix = 'c'): Promise<void> {
  const parent = await git(gitDir, ['rev-parse', `refs/heads/${branch}`]);
  let stream = '';
  for (let i = 0; i < count; i++) {
    const message = `${prefix}${i}`;
    const content = `${i}\n`;
    stream += `commit refs/heads/${branch}\ncommitter Tester <tester@example.com> ${1_700_000_000 + i} +0000\ndata ${Buffer.byteLength(message)}\n${message}\n`;
    if (i === 0) stream += `from ${parent}\n`;
    stream += `M 100644 inline counter.txt\ndata ${Buffer.byteLength(content)}\n${content}\n`;
  }
  await new Promise<void>((resolve, reject) => {
    const child = spawn('git', ['fast-import', '--quiet'], { cwd: gitDir, env: { ...process.env, GIT_DIR: gitDir }, stdio: ['pipe', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`fast-import exited with ${code}`))));
    child.stdin.end(stream);
  });
}
