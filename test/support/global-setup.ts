import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { writeFile } from 'node:fs/promises';
import { startTemporalDevServer } from '../../src/embedded/temporal-dev-server.js';
import { bundleWorkflows } from '../../src/temporal/workflow-bundle.js';
import { startPostgres } from './postgres-server.js';
import { startSeaweedFs } from './seaweedfs-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    s3Endpoint: string;
    s3AccessKeyId: string;
    s3SecretAccessKey: string;
    temporalAddress: string;
    workflowBundlePath: string;
  }
}

/**
 * Starts the real services once per test run — PostgreSQL, SeaweedFS (S3) and a Temporal dev
 * server — and hands their addresses to the test files, which isolate themselves inside them
 * (own database, bucket, task queue). Each can instead be given from outside with
 * TEST_DATABASE_URL, TEST_S3_ENDPOINT or TEST_TEMPORAL_ADDRESS.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'reposync-test-'));
  // PostgreSQL runs as its own user when we are root, and must be able to reach its folder.
  await chmod(root, 0o755);
  const stops: Array<() => Promise<void>> = [];
  const started = Date.now();
  try {
    // Workflows are bundled once per run; every test worker loads the same bundle.
    const bundlePath = path.join(root, 'workflow-bundle.js');
    const bundling = bundleWorkflows().then((code) => writeFile(bundlePath, code));
    const [database, s3, temporal] = await Promise.all([
      process.env.TEST_DATABASE_URL ? { url: process.env.TEST_DATABASE_URL } : startPostgres(path.join(root, 'postgres')).then((s) => (stops.push(s.stop), s)),
      process.env.TEST_S3_ENDPOINT
        ? { endpoint: process.env.TEST_S3_ENDPOINT, accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? 'test', secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? 'test' }
        : startSeaweedFs(path.join(root, 'seaweedfs')).then((s) => (stops.push(s.stop), s)),
      process.env.TEST_TEMPORAL_ADDRESS
        ? { address: process.env.TEST_TEMPORAL_ADDRESS }
        : startTemporalDevServer({ cliPath: process.env.TEMPORAL_CLI_PATH }).then((s) => (stops.push(s.stop), s)),
    ]);
    await bundling;
    project.provide('workflowBundlePath', bundlePath);
    project.provide('databaseUrl', database.url);
    project.provide('s3Endpoint', s3.endpoint);
    project.provide('s3AccessKeyId', s3.accessKeyId);
    project.provide('s3SecretAccessKey', s3.secretAccessKey);
    project.provide('temporalAddress', temporal.address);
    console.log(`test services ready in ${Date.now() - started} ms: postgres ${database.url}, s3 ${s3.endpoint}, temporal ${temporal.address}`);
  } catch (error) {
    await Promise.all(stops.map((stop) => stop()));
    throw error;
  }
  return async () => {
    await Promise.all(stops.map((stop) => stop()));
    await rm(root, { recursive: true, force: true });
  };
}
