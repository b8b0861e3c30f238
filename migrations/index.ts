import type { Migration, MigrationProvider } from 'kysely';
import * as initialSchema from './2026-11-23T1800-initial-schema.js';
import * as projectGitHubState from './2026-11-23T2100-project-github-state.js';
import * as outboundChanges from './2026-11-25T0900-outbound-changes.js';
import * as syncRequests from './2026-11-25T1000-sync-requests.js';
import * as syncFailureStreak from './2026-11-30T1000-sync-failure-streak.js';
import * as repositoryRefreshRequests from './2026-11-30T1010-repository-refresh-requests.js';
import * as snapshotFilter from './2026-11-30T1100-snapshot-filter.js';
import * as blobMissing from './2026-11-30T1110-blob-missing.js';
import * as writerJobs from './2026-11-30T1300-writer-jobs.js';
import * as idempotencyKeys from './2026-11-30T1310-idempotency-keys.js';
import * as operationProgress from './2026-11-30T1400-operation-progress.js';
import * as pollCursor from './2026-11-30T1600-poll-cursor.js';
import * as repositoryMetadata from './2026-12-01T0900-repository-metadata.js';
import * as metadataRequestedAt from './2026-12-01T1000-metadata-requested-at.js';
import * as fleets from './2026-12-01T1100-fleets.js';
import * as credentialBudgets from './2026-12-01T1200-credential-budgets.js';
import * as webhookInbox from './2026-12-02T1000-webhook-inbox.js';
import * as blobPacks from './2026-12-02T1100-blob-packs.js';
import * as importTreeEntries from './2026-12-02T1200-import-tree-entries.js';
import * as garbageCollection from './2026-12-02T1300-garbage-collection.js';

/**
 * Every migration, by name, in order. Listed statically rather than read from the folder so the
 * same provider works from TypeScript sources, compiled output and a bundled image.
 */
const migrations: Record<string, Migration> = {
  '2026-11-23T1800-initial-schema': initialSchema,
  '2026-11-23T2100-project-github-state': projectGitHubState,
  '2026-11-25T0900-outbound-changes': outboundChanges,
  '2026-11-25T1000-sync-requests': syncRequests,
  '2026-11-30T1000-sync-failure-streak': syncFailureStreak,
  '2026-11-30T1010-repository-refresh-requests': repositoryRefreshRequests,
  '2026-11-30T1100-snapshot-filter': snapshotFilter,
  '2026-11-30T1110-blob-missing': blobMissing,
  '2026-11-30T1300-writer-jobs': writerJobs,
  '2026-11-30T1310-idempotency-keys': idempotencyKeys,
  '2026-11-30T1400-operation-progress': operationProgress,
  '2026-11-30T1600-poll-cursor': pollCursor,
  '2026-12-01T0900-repository-metadata': repositoryMetadata,
  '2026-12-01T1000-metadata-requested-at': metadataRequestedAt,
  '2026-12-01T1100-fleets': fleets,
  '2026-12-01T1200-credential-budgets': credentialBudgets,
  '2026-12-02T1000-webhook-inbox': webhookInbox,
  '2026-12-02T1100-blob-packs': blobPacks,
  '2026-12-02T1200-import-tree-entries': importTreeEntries,
  '2026-12-02T1300-garbage-collection': garbageCollection,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: () => Promise.resolve(migrations),
};
