import path from 'node:path';
import type { Config } from '../config.js';
import type { BlobStore } from './blob-store.js';
import { createFilesystemBlobStore } from './filesystem-blob-store.js';
import { createS3BlobStore } from './s3-blob-store.js';

export * from './blob-store.js';

/** S3 when S3_BUCKET is configured, the filesystem under DATA_DIR otherwise. */
export function createBlobStore(config: Pick<Config, 's3' | 'dataDir'>): BlobStore {
  return config.s3 ? createS3BlobStore({ config: config.s3 }) : createFilesystemBlobStore(path.join(config.dataDir, 'objects'));
}
