import { spawn } from 'node:child_process';
import { access, mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { stopChild } from '../../../src/embedded/temporal-dev-server.js';
import { freePort, waitForPort } from '../../../src/embedded/wait-for-port.js';

const weedBinary = fileURLToPath(new URL('../../../.tools/weed/bin/weed', import.meta.url));

export interface S3Server {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  stop(): Promise<void>;
}

/** Starts SeaweedFS (`weed mini`: master, volume, filer and S3 gateway in one process) on loopback. */
export async function startSeaweedFs(directory: string): Promise<S3Server> {
  await access(weedBinary).catch(() => {
    throw new Error('SeaweedFS not found: run scripts/ensure-tools.sh');
  });
  await mkdir(directory, { recursive: true });
  // Every component gets a free port (HTTP and gRPC): the defaults would clash with other runs.
  const portArgs: string[] = [];
  let s3Port = 0;
  for (const component of ['master', 'volume', 'filer', 's3', 'admin']) {
    const port = await freePort();
    if (component === 's3') s3Port = port;
    portArgs.push(`-${component}.port=${port}`, `-${component}.port.grpc=${await freePort()}`);
  }
  const args = [
    'mini', `-dir=${directory}`, '-ip=127.0.0.1', '-ip.bind=127.0.0.1',
    '-s3.port.iceberg=0', '-s3.port.lance=0', '-webdav=false', '-admin.ui=false', ...portArgs,
  ];
  const child = spawn(weedBinary, args, { stdio: ['ignore', 'ignore', 'pipe'], cwd: directory });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  let exited = false;
  child.once('exit', () => (exited = true));
  try {
    await waitForPort('127.0.0.1', s3Port, { timeoutMs: 60_000, isAlive: () => !exited });
  } catch (error) {
    throw new Error(`SeaweedFS did not start: ${stderr}`, { cause: error });
  }
  // With no identities configured, the gateway accepts any credentials; the SDK still signs.
  return { endpoint: `http://127.0.0.1:${s3Port}`, accessKeyId: 'reposync-test', secretAccessKey: 'reposync-test-secret', stop: () => stopChild(child) };
}
