import { Context } from '@temporalio/activity';
import { fleetsRepository } from '../db/repositories/fleets.js';
import { projectSyncStateRepository } from '../db/repositories/project-sync-state.js';
import { fleetProject } from '../fleets/fleet-project.js';
import { listFleetRepositories } from '../fleets/list-repositories.js';
import { selects } from '../fleets/repository-selection.js';
import type { FleetImportRound, FleetListing } from '../shared/fleet-sync.js';
import { requestInitialSync } from '../temporal/project-writer.js';
import type { ActivityDeps } from './deps.js';

/** The fleet's work: link its repositories as projects, then ask their writers for imports, a few at a time. */
export function createFleetActivities(deps: ActivityDeps) {
  const { db, log } = deps;
  const fleets = fleetsRepository(db);
  const syncState = projectSyncStateRepository(db);

  return {
    /**
     * Lists the fleet's repositories page by page and links the ones it selects, each page in
     * one transaction; linking is idempotent, so a retried or resumed listing links nothing twice.
     */
    async linkFleetRepositories({ fleetId }: { fleetId: string }): Promise<FleetListing> {
      const listing: FleetListing = { listed: 0, created: 0, adopted: 0, skipped: 0 };
      const fleet = await fleets.find(fleetId);
      if (!fleet) return listing;
      const pick = selects(fleet);
      for await (const page of listFleetRepositories(deps.github, fleet)) {
        Context.current().heartbeat(listing);
        const chosen = page.repositories.filter(pick);
        const { created, adopted } = await fleets.linkRepositories(fleet, chosen, (repository) => fleetProject(fleet, repository));
        listing.listed += chosen.length;
        listing.created += created;
        listing.adopted += adopted;
        listing.skipped += page.skipped + page.repositories.length - chosen.length;
      }
      await fleets.recordListing(fleetId, listing.listed);
      if (fleet.status === 'listing') await fleets.setStatus(fleetId, 'importing');
      log.info('fleet listed', { fleetId, ...listing });
      return listing;
    },

    /**
     * Asks for the initial import of as many waiting projects as the fleet's limit leaves room
     * for, and reports where the fleet's imports are. A suspended or removed fleet starts none.
     */
    async startFleetImports({ fleetId, writer }: { fleetId: string; writer: { taskQueue: string; maximumAttempts: number } }): Promise<FleetImportRound> {
      const fleet = await fleets.find(fleetId);
      if (!fleet || fleet.status === 'suspended' || fleet.status === 'deleted') return { started: 0, importing: 0, waiting: 0, paused: true };
      if (!deps.temporal) throw new Error('the fleet needs a Temporal client to ask project writers for imports');
      const room = fleet.max_concurrent_imports - (await fleets.importing(fleetId));
      let started = 0;
      for (const project of room > 0 ? await fleets.importable(fleetId, room) : []) {
        // Marked before asking, as the API does, so an import that ends at once is not overwritten.
        if (!(await syncState.markPending(project.id))) continue;
        try {
          await requestInitialSync(deps.temporal, db, writer, project);
        } catch (error) {
          await syncState.restore(project);
          throw error;
        }
        started += 1;
      }
      const counts = await fleets.counts(fleetId);
      const round = { started, importing: counts.pending + counts.syncing, waiting: counts.waiting, paused: false };
      if (round.importing === 0 && round.waiting === 0 && fleet.status === 'importing') await fleets.setStatus(fleetId, 'ready');
      return round;
    },
  };
}
