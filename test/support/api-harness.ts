import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { inject } from 'vitest';
import { buildServer } from '../../src/api/server.js';
import { loadConfig, type Config, type S3Config } from '../../src/config.js';
import { generateApiKey } from '../../src/crypto/api-key.js';
import { createSecretBox, type SecretBox } from '../../src/crypto/secret-box.js';
import type { Db } from '../../src/db/connection.js';
import { apiKeysRepository } from '../../src/db/repositories/api-keys.js';
import type { BlobStore } from '../../src/storage/blob-store.js';
import { createIndexedBlobStore } from '../../src/storage/indexed-blob-store.js';
import { createS3BlobStore } from '../../src/storage/s3-blob-store.js';
import { createTemporalClient } from '../../src/temporal/client.js';
import type { Client } from '@temporalio/client';
import { createTestBucket, createTestDatabase, uniqueName } from './test-stack.js';

export interface ApiHarness {
  app: FastifyInstance;
  db: Db;
  blobs: BlobStore;
  config: Config;
  /** This file's own bucket, for processes started outside the test (a worker, a benchmark). */
  s3: S3Config;
  secrets: SecretBox;
  temporal: Client;
  /** An API key of tenant A, and one of another tenant B. */
  key: string;
  otherKey: string;
  auth(key?: string): { authorization: string };
  close(): Promise<void>;
}

/**
 * The API as production builds it, on this test file's own database, bucket and task queue, and
 * the shared real Temporal server; requests go through `app.inject`.
 */
export async function startApiHarness(env: Record<string, string> = {}): Promise<ApiHarness> {
  const database = await createTestDatabase();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'reposync-api-'));
  const config = loadConfig({
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    DATABASE_URL: database.url,
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_TASK_QUEUE: uniqueName('reposync-test'),
    REPOSYNC_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    ...env,
  });
  const s3 = await createTestBucket();
  // As the services build it: reads go through the pack index.
  const blobs = createIndexedBlobStore(database.db, createS3BlobStore({ config: s3 }));
  const secrets = createSecretBox(config.encryptionKey!);
  const temporal = createTemporalClient({ ...config.temporal, address: config.temporal.address! });
  const app = await buildServer({ config, db: database.db, blobs, temporal, secrets }, { logger: false });
  const keys = apiKeysRepository(database.db);
  const key = generateApiKey();
  const otherKey = generateApiKey();
  await keys.createTenantWithKey('tenant-a', key);
  await keys.createTenantWithKey('tenant-b', otherKey);
  return {
    app,
    db: database.db,
    blobs,
    config,
    s3,
    secrets,
    temporal,
    key,
    otherKey,
    auth: (as = key) => ({ authorization: `Bearer ${as}` }),
    async close() {
      await app.close();
      await temporal.connection.close();
      await blobs.close();
      await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
