import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'kysely';
import { openDatabase } from '../../src/db/connection.js';
import { startTemporalDevServer } from '../../src/embedded/temporal-dev-server.js';
import { bundleWorkflows } from '../../src/temporal/workflow-bundle.js';
import { startGitHubEmulator, type GitHubEmulator } from '@reposync/github-emulator';
import { startPostgres } from '../../test/support/postgres-server.js';
import { startSeaweedFs, type S3Server } from '../../test/support/seaweedfs-server.js';
import type { Cleanup } from './cleanup.js';

export interface BenchServices {
  root: string;
  postgresUrl: string;
  s3: Omit<S3Server, 'stop'>;
  temporalAddress: string;
  github: GitHubEmulator;
  workflowBundlePath: string;
}

/**
 * The real services, on loopback, under `root`: PostgreSQL, SeaweedFS (S3), a Temporal dev server,
 * the GitHub emulator, and the workflow bundle the worker processes load.
 */
export async function startBenchServices(root: string, cleanup: Cleanup): Promise<BenchServices> {
  // PostgreSQL runs as its own user when we are root, and must be able to reach its folder.
  await chmod(root, 0o755);
  const workflowBundlePath = path.join(root, 'workflow-bundle.js');
  const bundling = bundleWorkflows().then((code) => writeFile(workflowBundlePath, code));
  const [postgres, s3, temporal] = await Promise.all([
    startPostgres(path.join(root, 'postgres')).then((server) => (cleanup.add('postgres', server.stop), server)),
    startSeaweedFs(path.join(root, 'seaweedfs')).then((server) => (cleanup.add('seaweedfs', server.stop), server)),
    startTemporalDevServer({ cliPath: process.env.TEMPORAL_CLI_PATH }).then((server) => (cleanup.add('temporal', server.stop), server)),
  ]);
  await Promise.all([bundling, acceptsQueries(postgres.url)]);
  const githubRoot = path.join(root, 'github');
  await mkdir(githubRoot, { recursive: true });
  const github = await startGitHubEmulator({ root: githubRoot });
  cleanup.add('github emulator', github.close);
  return { root, postgresUrl: postgres.url, s3: { endpoint: s3.endpoint, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey }, temporalAddress: temporal.address, github, workflowBundlePath };
}

/** PostgreSQL opens its port before it accepts queries ("the database system is starting up"). */
async function acceptsQueries(url: string, timeoutMs = 30_000): Promise<void> {
  const db = await openDatabase({ url, maxConnections: 1 });
  try {
    for (const deadline = Date.now() + timeoutMs; ; await new Promise((resolve) => setTimeout(resolve, 100))) {
      const ready = await sql`select 1`.execute(db).then(() => true, (error: Error) => {
        if (Date.now() > deadline) throw new Error(`PostgreSQL did not accept queries within ${timeoutMs} ms`, { cause: error });
        return false;
      });
      if (ready) return;
    }
  } finally {
    await db.destroy();
  }
}
