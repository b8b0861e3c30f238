import { randomUUID } from 'node:crypto';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import type { S3Config } from '../../src/config.js';
import type { BenchServices } from './services.js';

/** A fresh bucket on the benchmark's S3 server, so content addressing starts empty. */
export async function createBucket(services: BenchServices, label: string): Promise<S3Config> {
  const config: S3Config = {
    bucket: `bench-${slug(label)}-${randomUUID().slice(0, 8)}`,
    endpoint: services.s3.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    accessKeyId: services.s3.accessKeyId,
    secretAccessKey: services.s3.secretAccessKey,
    requestTimeoutSeconds: 60,
  };
  const client = new S3Client({
    region: config.region,
    endpoint: config.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: services.s3.accessKeyId, secretAccessKey: services.s3.secretAccessKey },
  });
  try {
    await client.send(new CreateBucketCommand({ Bucket: config.bucket }));
  } finally {
    client.destroy();
  }
  return config;
}

/** Lower-case letters, digits and dashes: what bucket names, databases and task queues all accept. */
export function slug(label: string): string {
  return label.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'run';
}
