import type { RefsSchema } from './refs.js';
import type { CommitsSchema } from './commits.js';
import type { IssuesSchema } from './issues.js';
import type { PullRequestsSchema } from './pull-requests.js';
import type { CommentsSchema } from './comments.js';
import type { ReleasesSchema } from './releases.js';
import type { SyncStatesSchema } from './sync-states.js';
import type { ApiKeysSchema } from './api-keys.js';
import type { BlobsSchema } from './blobs.js';
import type { FleetsSchema } from './fleets.js';
import type { CredentialBudgetsSchema } from './credential-budgets.js';
import type { IdempotencyKeysSchema } from './idempotency-keys.js';
import type { ImportTreeEntriesSchema } from './import-tree-entries.js';
import type { OutboundChangesSchema } from './outbound-changes.js';
import type { PollCursorsSchema } from './poll-cursors.js';
import type { ProjectsSchema } from './projects.js';
import type { SnapshotFilesSchema } from './snapshot-files.js';
import type { SnapshotsSchema } from './snapshots.js';
import type { SyncOperationsSchema } from './sync-operations.js';
import type { TenantsSchema } from './tenants.js';
import type { WebhookDeliveriesSchema } from './webhook-deliveries.js';
import type { WriterJobsSchema } from './writer-jobs.js';

export type Database = TenantsSchema &
  ApiKeysSchema &
  ProjectsSchema &
  FleetsSchema &
  CredentialBudgetsSchema &
  PollCursorsSchema &
  SnapshotsSchema &
  SnapshotFilesSchema &
  ImportTreeEntriesSchema &
  BlobsSchema &
  SyncOperationsSchema &
  OutboundChangesSchema &
  WebhookDeliveriesSchema &
  WriterJobsSchema &
  IdempotencyKeysSchema &
  RefsSchema &
  CommitsSchema &
  IssuesSchema &
  PullRequestsSchema &
  CommentsSchema &
  ReleasesSchema &
  SyncStatesSchema;

export type * from './api-keys.js';
export type * from './blobs.js';
export type * from './fleets.js';
export type * from './idempotency-keys.js';
export type * from './outbound-changes.js';
export type * from './poll-cursors.js';
export type * from './projects.js';
export type * from './snapshot-files.js';
export type * from './snapshots.js';
export type * from './sync-operations.js';
export type * from './tenants.js';
export type * from './webhook-deliveries.js';
export type * from './writer-jobs.js';
export type * from './refs.js';
export type * from './commits.js';
export type * from './issues.js';
export type * from './pull-requests.js';
export type * from './comments.js';
export type * from './releases.js';
export type * from './sync-states.js';
export type * from './credential-budgets.js';
