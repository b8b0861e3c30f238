import type { Client } from '@temporalio/client';
import type { Config } from '../config.js';
import type { SecretBox } from '../crypto/secret-box.js';
import type { Db } from '../db/connection.js';
import type { BlobStore } from '../storage/blob-store.js';

/** Everything the API needs from outside, passed in explicitly (tests pass real services). */
export interface ApiDeps {
  config: Config;
  db: Db;
  blobs: BlobStore;
  temporal: Client;
  secrets: SecretBox;
  /** The Temporal SDK's Prometheus exposition of the workers in this process, which `/metrics` includes. */
  workerMetricsUrl?: string | undefined;
}
