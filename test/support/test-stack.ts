import { randomUUID } from 'node:crypto';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { Client, Connection } from '@temporalio/client';
import { sql } from 'kysely';
import { inject } from 'vitest';
import type { S3Config } from '../../src/config.js';
import { openDatabase, type Db } from '../../src/db/connection.js';
import { migrateToLatest } from '../../src/db/migrate.js';

/** A unique, SQL-safe name for this test file's own database, bucket or task queue. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/** A fresh, migrated PostgreSQL database of its own for one test file. */
export async function createTestDatabase(): Promise<{ db: Db; url: string; drop(): Promise<void> }> {
  const adminUrl = inject('databaseUrl');
  const name = uniqueName('reposync_test').replace('-', '_');
  const admin = await openDatabase({ url: adminUrl, maxConnections: 1 });
  await sql`create database ${sql.id(name)}`.execute(admin);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = await openDatabase({ url: url.toString() });
  await migrateToLatest(db as never);
  return {
    db,
    url: url.toString(),
    async drop() {
      await db.destroy();
      await sql`drop database if exists ${sql.id(name)} with (force)`.execute(admin);
      await admin.destroy();
    },
  };
}

/** S3 settings pointing at a fresh bucket of its own on the test S3 server. */
export async function createTestBucket(): Promise<S3Config> {
  const config: S3Config = {
    bucket: uniqueName('reposync-test'),
    endpoint: inject('s3Endpoint'),
    region: 'us-east-1',
    forcePathStyle: true,
    accessKeyId: inject('s3AccessKeyId'),
    secretAccessKey: inject('s3SecretAccessKey'),
    requestTimeoutSeconds: 60,
  };
  const client = new S3Client({
    region: config.region,
    endpoint: config.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: config.accessKeyId!, secretAccessKey: config.secretAccessKey! },
  });
  await client.send(new CreateBucketCommand({ Bucket: config.bucket }));
  client.destroy();
  return config;
}

/** A Temporal client on the shared test server; each test file uses a task queue of its own. */
export async function connectTestTemporal(): Promise<{ client: Client; connection: Connection; address: string; close(): Promise<void> }> {
  const address = inject('temporalAddress');
  const connection = await Connection.connect({ address });
  const client = new Client({ connection, namespace: 'default' });
  return { client, connection, address, close: () => connection.close() };
}
