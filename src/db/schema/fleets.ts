import type { ColumnType, Generated, JSONColumnType } from 'kysely';
import type { SyncMode } from '../../shared/outbound-sync.js';
import type { FileFilter, MetadataSettings } from './projects.js';

/**
 * Where a fleet is: `listing` its repositories, `importing` them, `ready` once every project
 * had its initial import (or failed it), `suspended` while GitHub suspends the installation,
 * `deleted` once the installation is gone, `failed` when the listing itself cannot go on.
 */
export type FleetStatus = 'listing' | 'importing' | 'ready' | 'suspended' | 'deleted' | 'failed';

/** What every project a fleet links starts with. */
export interface FleetProjectDefaults {
  syncMode?: SyncMode;
  filter?: FileFilter;
  metadata?: MetadataSettings;
}

/** Every repository of a GitHub App installation or an organisation, linked as projects of one tenant. */
export interface FleetsTable {
  id: Generated<string>;
  tenant_id: string;
  /** The App installation the fleet follows; null for an organisation read with a token. */
  installation_id: ColumnType<number | null, number | null | undefined, number | null>;
  /** The organisation the fleet follows with `token_ciphertext`; null for an installation. */
  org: string | null;
  /** AES-256-GCM ciphertext of the organisation token (see src/crypto/secret-box.ts). */
  token_ciphertext: string | null;
  /** Repository name patterns (`*`, `?`): only names matching one are linked; empty links all. */
  include: ColumnType<string[], string[] | undefined, string[]>;
  /** Repository name patterns never linked, even when included. */
  exclude: ColumnType<string[], string[] | undefined, string[]>;
  /** Whether forks are linked too. */
  forks: Generated<boolean>;
  /** Whether archived repositories are linked too. */
  archived: Generated<boolean>;
  project_defaults: JSONColumnType<FleetProjectDefaults, string | undefined, string>;
  /** At most this many of the fleet's initial imports run at once. */
  max_concurrent_imports: Generated<number>;
  /** A repository the installation loses: `keep` stops its project and keeps its data, `remove` unlinks it. */
  on_repository_removed: Generated<'keep' | 'remove'>;
  status: Generated<FleetStatus>;
  /** Why the fleet is suspended, deleted or failed. */
  status_reason: string | null;
  /** Repositories the last listing linked or adopted. */
  repositories_listed: Generated<number>;
  listed_at: Date | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface FleetsSchema {
  fleets: FleetsTable;
}
