import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { buildServer } from '../../src/api/server.js';
import { loadConfig } from '../../src/config.js';
import { generateApiKey } from '../../src/crypto/api-key.js';
import { createSecretBox } from '../../src/crypto/secret-box.js';
import { openDatabase, type Db } from '../../src/db/connection.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { apiKeysRepository } from '../../src/db/repositories/api-keys.js';
import { createIndexedBlobStore } from '../../src/storage/indexed-blob-store.js';
import { createS3BlobStore } from '../../src/storage/s3-blob-store.js';
import { createTemporalClient } from '../../src/temporal/client.js';
import { createBucket, slug } from './s3-bucket.js';
import type { BenchServices } from './services.js';
import { startWorkerProcess, type WorkerProcess } from './worker-process.js';

/**
 * Everything one import needs, fresh: its own database (the blob index starts empty too), bucket
 * and task queue; the API in this process; the production worker as a process of its own.
 */
export interface ImportStack {
  app: FastifyInstance;
  db: Db;
  temporal: Client;
  worker: WorkerProcess;
  bucket: string;
  auth: { authorization: string };
  /** The settings the worker runs with, for another process of the same deployment (the API). */
  env: Record<string, string>;
  close(): Promise<void>;
}

export interface ImportStackOptions {
  /** Settings added to the API's and the worker's, e.g. GITHUB_WEBHOOK_SECRET or PUBLIC_URL. */
  env?: Record<string, string>;
}

export async function openImportStack(services: BenchServices, label: string, options: ImportStackOptions = {}): Promise<ImportStack> {
  const closers: Array<() => Promise<void>> = [];
  const close = async () => {
    for (let closer = closers.pop(); closer; closer = closers.pop()) await closer().catch((error: Error) => process.stderr.write(`close: ${error.message}\n`));
  };
  try {
    const name = `bench_${slug(label).replace(/-/g, '_')}_${randomUUID().slice(0, 8)}`;
    const admin = await openDatabase({ url: services.postgresUrl, maxConnections: 1 });
    closers.push(() => admin.destroy());
    await sql`create database ${sql.id(name)}`.execute(admin);
    closers.push(async () => void (await sql`drop database if exists ${sql.id(name)} with (force)`.execute(admin)));
    const url = new URL(services.postgresUrl);
    url.pathname = `/${name}`;
    const s3 = await createBucket(services, label);
    const dataDir = await mkdtemp(path.join(services.root, 'api-'));
    closers.push(() => rm(dataDir, { recursive: true, force: true }));
    const env = {
      DATA_DIR: dataDir,
      DATABASE_URL: url.toString(),
      TEMPORAL_ADDRESS: services.temporalAddress,
      TEMPORAL_TASK_QUEUE: `bench-${slug(label)}-${randomUUID().slice(0, 8)}`,
      S3_BUCKET: s3.bucket,
      S3_ENDPOINT: services.s3.endpoint,
      S3_FORCE_PATH_STYLE: 'true',
      AWS_ACCESS_KEY_ID: services.s3.accessKeyId,
      AWS_SECRET_ACCESS_KEY: services.s3.secretAccessKey,
      REPOSYNC_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
      GITHUB_API_URL: services.github.url,
      ...options.env,
    };
    const config = loadConfig({ ...env, LOG_LEVEL: 'silent' });
    const db = await openDatabase({ url: env.DATABASE_URL });
    closers.push(() => db.destroy());
    await migrateToLatest(db as never);
    const blobs = createIndexedBlobStore(db, createS3BlobStore({ config: s3 }));
    closers.push(() => blobs.close());
    const temporal = createTemporalClient({ ...config.temporal, address: services.temporalAddress });
    closers.push(() => temporal.connection.close());
    const app = await buildServer({ config, db, blobs, temporal, secrets: createSecretBox(config.encryptionKey!) }, { logger: false });
    closers.push(() => app.close());
    const key = generateApiKey();
    await apiKeysRepository(db).createTenantWithKey('bench', key);
    const worker = await startWorkerProcess({
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      ...env,
      WORKFLOW_BUNDLE_PATH: services.workflowBundlePath,
    });
    closers.push(() => worker.stop());
    return { app, db, temporal, worker, bucket: s3.bucket, auth: { authorization: `Bearer ${key}` }, env, close };
  } catch (error) {
    await close();
    throw error;
  }
}
