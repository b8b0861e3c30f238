import type { Client } from '@temporalio/client';
import type { Db } from '../db/connection.js';
import type { GitHubClients } from '../github/project-client.js';
import type { BlobStore } from '../storage/blob-store.js';
import type { ArchiveLimits } from '../sync/archive-limits.js';

/** Everything activities touch, passed in explicitly (STYLE: createActivities(deps)). */
export interface ActivityDeps {
  db: Db;
  blobs: BlobStore;
  github: GitHubClients;
  githubApiUrl: string;
  /** Used by the poll to ask project writers to sync. */
  temporal?: Client;
  archiveLimits?: ArchiveLimits;
  /** Most commits one metadata sync run stores; the rest follow in the next run. */
  metadataMaxCommitsPerRun?: number;
  log: { info(message: string, fields?: Record<string, unknown>): void; warn(message: string, fields?: Record<string, unknown>): void };
}
