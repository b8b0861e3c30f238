/** A phase of a metadata sync; their order lives with the workflow contract in src/shared/metadata-sync.ts. */
export type MetadataPhase = 'branches' | 'tags' | 'commits' | 'issues' | 'pulls' | 'comments' | 'reviewComments' | 'releases';

/**
 * Where one metadata phase of a project stands: the ETag and `since` cursor of its last stored
 * listing (advanced only after the rows are stored), when it last succeeded and how it last failed.
 */
export interface SyncStatesTable {
  project_id: string;
  phase: MetadataPhase;
  etag: string | null;
  cursor: string | null;
  last_success_at: Date | null;
  last_error_code: string | null;
  last_error_at: Date | null;
}

export interface SyncStatesSchema {
  sync_states: SyncStatesTable;
}
