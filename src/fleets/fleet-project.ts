import type { Fleet, FleetRepository } from '../db/repositories/fleets.js';
import { newProjectRow, type NewProject } from '../db/repositories/projects.js';
import { fleetCredential } from './list-repositories.js';

/**
 * The project a fleet links for one of its repositories: the fleet's credential and project
 * defaults, the repository's default branch. It is imported by the fleet's sync, not here.
 */
export function fleetProject(fleet: Fleet, repository: FleetRepository): NewProject {
  const { syncMode, filter, metadata } = fleet.project_defaults;
  return newProjectRow({
    tenantId: fleet.tenant_id,
    owner: repository.owner,
    repo: repository.repo,
    branch: null,
    credentials: fleetCredential(fleet),
    ...(syncMode ? { syncMode } : {}),
    ...(filter ? { filter } : {}),
    ...(metadata ? { metadata } : {}),
    fleetId: fleet.id,
  });
}
