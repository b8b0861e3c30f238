import { execFile, spawn } from 'node:child_process';
import { chmod, chown, mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { stopChild } from '../../../src/embedded/temporal-dev-server.js';
import { freePort, waitForPort } from '../../../src/embedded/wait-for-port.js';

const run = promisify(execFile);

export interface PostgresServer {
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts a throwaway PostgreSQL server from Debian's packages in `directory`, trusting local
 * connections. PostgreSQL refuses to run as root, so as root it runs as the `postgres` user.
 */
export async function startPostgres(directory: string): Promise<PostgresServer> {
  const bin = await postgresBinDir();
  const dataDir = path.join(directory, 'data');
  await mkdir(dataDir, { recursive: true });
  const asRoot = process.getuid?.() === 0;
  const user = asRoot ? await run('id', ['-u', 'postgres']).then(({ stdout }) => Number(stdout.trim())) : undefined;
  if (user !== undefined) {
    await chown(directory, user, user);
    await chown(dataDir, user, user);
  }
  await chmod(dataDir, 0o700);
  const asServerUser = (command: string, args: string[]) => (asRoot ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args]) as [string, string[]];

  await run(...asServerUser(path.join(bin, 'initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']));
  const port = await freePort();
  const child = spawn(
    ...asServerUser(path.join(bin, 'postgres'), [
      '-D', dataDir, '-p', String(port), '-k', directory, '-c', 'listen_addresses=127.0.0.1',
      '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=300',
    ]),
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  let exited = false;
  child.once('exit', () => (exited = true));
  try {
    await waitForPort('127.0.0.1', port, { timeoutMs: 30_000, isAlive: () => !exited });
  } catch (error) {
    throw new Error(`PostgreSQL did not start: ${stderr}`, { cause: error });
  }
  return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, stop: () => stopChild(child) };
}

async function postgresBinDir(): Promise<string> {
  const versions = await readdir('/usr/lib/postgresql').catch(() => [] as string[]);
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (!newest) throw new Error("PostgreSQL server not found: run scripts/ensure-tools.sh (installs Debian's postgresql)");
  return path.join('/usr/lib/postgresql', newest, 'bin');
}
