import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBucket } from './s3-bucket.js';
import type { BenchServices } from './services.js';

const projectRoot = fileURLToPath(new URL('../../', import.meta.url));
const awsDir = path.join(projectRoot, '.tools/aws');

export interface ByHandFigures {
  cloneMs: number;
  copyMs: number;
  wallMs: number;
  /** The commands as a person would type them. */
  commands: string[];
}

/** Installs the AWS CLI from PyPI into .tools/aws (only the benchmark needs it). */
export async function ensureAwsCli(): Promise<void> {
  await run('bash', [path.join(projectRoot, 'scripts/ensure-tools.sh'), 'aws'], {});
}

/**
 * The way a user would do it by hand: a shallow clone of the branch, then every file of the work
 * tree copied into a fresh bucket with the AWS CLI (`.git` left out), timed as a whole.
 */
export async function byHand(services: BenchServices, gitDir: string, label: string): Promise<ByHandFigures> {
  const bucket = await createBucket(services, `hand-${label}`);
  const work = await mkdtemp(path.join(services.root, 'by-hand-'));
  const checkout = path.join(work, 'checkout');
  const clone = ['git', 'clone', '--quiet', '--depth', '1', '--single-branch', `file://${gitDir}`, checkout];
  const copy = ['aws', 's3', 'cp', '--recursive', '--only-show-errors', '--exclude', '.git/*', '--endpoint-url', services.s3.endpoint, checkout, `s3://${bucket.bucket}/`];
  const awsEnv = {
    PYTHONPATH: awsDir,
    AWS_ACCESS_KEY_ID: services.s3.accessKeyId,
    AWS_SECRET_ACCESS_KEY: services.s3.secretAccessKey,
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  };
  try {
    const started = performance.now();
    await run(clone[0]!, clone.slice(1), {});
    const cloned = performance.now();
    await run('python3', [path.join(awsDir, 'bin/aws'), ...copy.slice(1)], awsEnv);
    const copied = performance.now();
    return {
      cloneMs: cloned - started,
      copyMs: copied - cloned,
      wallMs: copied - started,
      commands: [clone.join(' '), `PYTHONPATH=.tools/aws ${copy.join(' ')}`],
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

function run(command: string, args: string[], env: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited with ${code}: ${stderr}`))));
  });
}
