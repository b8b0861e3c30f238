import { chmod, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { startTemporalDevServer } from '../../../src/embedded/temporal-dev-server.js';
import { bundleWorkflows } from '../../../src/temporal/workflow-bundle.js';
import { acceptsQueries } from './accepts-queries.js';
import { startPostgres } from './postgres-server.js';
import { startSeaweedFs, type S3Server } from './seaweedfs-server.js';

export type S3Credentials = Omit<S3Server, 'stop'>;

export interface DevServices {
  databaseUrl: string;
  s3: S3Credentials;
  temporalAddress: string;
  /** The workflow bundle, built once, that every worker loads. */
  workflowBundlePath: string;
}

export interface DevServicesOptions {
  /** Services already running elsewhere, used instead of starting them. */
  given?: { databaseUrl?: string; s3?: S3Credentials; temporalAddress?: string };
  /** Receives each started service's stop as soon as it is up, so a later failure can still stop it. */
  onStarted(name: 'postgres' | 'seaweedfs' | 'temporal', stop: () => Promise<void>): void;
}

/**
 * The real services the tests and the benchmarks run against, on loopback, under `root`:
 * PostgreSQL (accepting queries), SeaweedFS (S3), a Temporal dev server, and the workflow bundle.
 * The tools come from scripts/ensure-tools.sh; nothing here installs anything.
 */
export async function startDevServices(root: string, options: DevServicesOptions): Promise<DevServices> {
  const { given = {}, onStarted } = options;
  // PostgreSQL runs as its own user when we are root, and must be able to reach its folder.
  await chmod(root, 0o755);
  const workflowBundlePath = path.join(root, 'workflow-bundle.js');
  const bundling = bundleWorkflows().then((code) => writeFile(workflowBundlePath, code));
  const [databaseUrl, s3, temporalAddress] = await Promise.all([
    given.databaseUrl ??
      startPostgres(path.join(root, 'postgres')).then(async (server) => {
        onStarted('postgres', server.stop);
        await acceptsQueries(server.url);
        return server.url;
      }),
    given.s3 ??
      startSeaweedFs(path.join(root, 'seaweedfs')).then(({ stop, ...credentials }) => {
        onStarted('seaweedfs', stop);
        return credentials;
      }),
    given.temporalAddress ??
      startTemporalDevServer({ cliPath: process.env.TEMPORAL_CLI_PATH }).then((server) => {
        onStarted('temporal', server.stop);
        return server.address;
      }),
  ]);
  await bundling;
  return { databaseUrl, s3, temporalAddress, workflowBundlePath };
}
