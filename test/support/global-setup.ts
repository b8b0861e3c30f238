import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startDevServices, type DevServicesOptions } from './dev-services/index.js';

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
  const stops: Array<() => Promise<void>> = [];
  const started = Date.now();
  try {
    const services = await startDevServices(root, { given: servicesFromEnv(), onStarted: (_name, stop) => stops.push(stop) });
    project.provide('workflowBundlePath', services.workflowBundlePath);
    project.provide('databaseUrl', services.databaseUrl);
    project.provide('s3Endpoint', services.s3.endpoint);
    project.provide('s3AccessKeyId', services.s3.accessKeyId);
    project.provide('s3SecretAccessKey', services.s3.secretAccessKey);
    project.provide('temporalAddress', services.temporalAddress);
    console.log(`test services ready in ${Date.now() - started} ms: postgres ${services.databaseUrl}, s3 ${services.s3.endpoint}, temporal ${services.temporalAddress}`);
  } catch (error) {
    await Promise.all(stops.map((stop) => stop()));
    throw error;
  }
  return async () => {
    await Promise.all(stops.map((stop) => stop()));
    await rm(root, { recursive: true, force: true });
  };
}

function servicesFromEnv(): DevServicesOptions['given'] {
  const { TEST_DATABASE_URL, TEST_S3_ENDPOINT, TEST_TEMPORAL_ADDRESS, AWS_ACCESS_KEY_ID = 'test', AWS_SECRET_ACCESS_KEY = 'test' } = process.env;
  return {
    databaseUrl: TEST_DATABASE_URL || undefined,
    s3: TEST_S3_ENDPOINT ? { endpoint: TEST_S3_ENDPOINT, accessKeyId: AWS_ACCESS_KEY_ID, secretAccessKey: AWS_SECRET_ACCESS_KEY } : undefined,
    temporalAddress: TEST_TEMPORAL_ADDRESS || undefined,
  };
}
