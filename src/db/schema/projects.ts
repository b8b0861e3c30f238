import type { ColumnType, Generated, JSONColumnType } from 'kysely';
import type { SyncMode } from '../../shared/outbound-sync.js';

export type AuthKind = 'token' | 'app' | 'none';
export type SyncStatus = 'idle' | 'pending' | 'syncing' | 'synced' | 'failed' | 'cancelled';

/** Per-project file filter: which files are skipped, marked editable or warned about; absent fields take the defaults. */
export interface FileFilter {
  skipDirectories?: string[];
  binaryExtensions?: string[];
  editableExtensions?: string[];
  maxFileBytes?: number;
  warnFileBytes?: number;
}

/** Which parts of the repository's metadata are synced; absent fields are on. */
export interface MetadataSettings {
  refs?: boolean;
  commits?: boolean;
  issues?: boolean;
  pullRequests?: boolean;
  comments?: boolean;
  releases?: boolean;
}

export interface ProjectsTable {
  id: Generated<string>;
  tenant_id: string;
  owner: string;
  repo: string;
  /** The branch to follow; null follows the repository's default branch. */
  branch: string | null;
  /** The repository's default branch as last read from GitHub. */
  default_branch: string | null;
  auth_kind: AuthKind;
  installation_id: ColumnType<number | null, number | null | undefined, number | null>;
  /** AES-256-GCM ciphertext of the personal access token (see src/crypto/secret-box.ts). */
  token_ciphertext: string | null;
  webhook_secret_ciphertext: string | null;
  webhook_id: number | null;
  /** Why linking could not register the repository webhook (null once it is registered). */
  webhook_problem: ColumnType<string | null, string | null | undefined, string | null>;
  /** GitHub archived the repository: read-only, outbound commits cannot land. */
  archived: Generated<boolean>;
  sync_mode: Generated<SyncMode>;
  filter: JSONColumnType<FileFilter, string | undefined, string>;
  metadata: JSONColumnType<MetadataSettings, string | undefined, string>;
  enabled: Generated<boolean>;

  sync_status: Generated<SyncStatus>;
  sync_error_code: string | null;
  sync_error_message: string | null;
  sync_started_at: Date | null;
  sync_completed_at: Date | null;
  /** Inbound syncs failed in a row since the last success; the poll backs off its retries by it. */
  sync_failures: Generated<number>;
  /** The fleet that linked the project, if one did; null for a project linked on its own. */
  fleet_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** When the poll last started the project's metadata sync. */
  metadata_requested_at: Date | null;

  last_remote_sha: string | null;
  last_synced_sha: string | null;
  last_outbound_base_sha: string | null;
  current_snapshot_id: string | null;
  /** Pushes acknowledged but not yet signalled to the project's writer (see sync-request-dispatcher). */
  sync_requests: Generated<number>;
  /** Repository state events acknowledged but not yet re-read from GitHub (see repository-state-refresher). */
  repository_refresh_requests: Generated<number>;
  /** ETag of the last branch-head read, for the conditional poll (304 costs no rate limit). */
  branch_etag: string | null;
  /** The project's place in every poll round, from a hash of its id; the database computes it. */
  poll_slot: ColumnType<number, never, never>;

  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface ProjectsSchema {
  projects: ProjectsTable;
}
