import type { Fleet, FleetRepository } from '../db/repositories/fleets.js';
import type { NewProject } from '../db/repositories/projects.js';
import { fleetCredential } from './list-repositories.js';

/**
 * The project a fleet links for one of its repositories: the fleet's credential and project
 * defaults, the repository's default branch. It is imported by the fleet's sync, not here.
 */
export function fleetProject(fleet: Fleet, repository: FleetRepository): NewProject {
  const { syncMode, filter = {}, metadata = {} } = fleet.project_defaults;
  return {
    tenant_id: fleet.tenant_id,
    owner: repository.owner,
    repo: repository.repo,
    branch: null,
    default_branch: null,
    ...fleetCredential(fleet),
    webhook_secret_ciphertext: null,
    webhook_id: null,
    webhook_problem: null,
    ...(syncMode ? { sync_mode: syncMode } : {}),
    filter: JSON.stringify(filter),
    metadata: JSON.stringify(metadata),
    sync_error_code: null,
    sync_error_message: null,
    sync_started_at: null,
    sync_completed_at: null,
    last_remote_sha: null,
    last_synced_sha: null,
    last_outbound_base_sha: null,
    current_snapshot_id: null,
    branch_etag: null,
    fleet_id: fleet.id,
  };
}
