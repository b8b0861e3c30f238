import { continueAsNew, proxyActivities, sleep, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { FleetListing, FleetSyncInput, FleetSyncResult } from '../shared/fleet-sync.js';
import { githubCall, streaming } from './activity-options.js';

const DEFAULT_CHECK_EVERY_MS = 5_000;

/**
 * FleetSync (`fleet/<fleetId>`) links every repository of an installation or organisation the
 * fleet selects, then keeps asking their writers for initial imports, at most the fleet's limit
 * at a time, until none is waiting or under way. Linking is idempotent and the queue is the
 * projects' own sync state, so a run killed halfway resumes without linking or importing twice.
 */
export async function fleetSync(input: FleetSyncInput): Promise<FleetSyncResult> {
  const { linkFleetRepositories } = proxyActivities<Activities>(streaming(input.writer.maximumAttempts));
  const { startFleetImports } = proxyActivities<Activities>(githubCall(input.writer.maximumAttempts));
  const listing: FleetListing | null = input.listed ? null : await linkFleetRepositories({ fleetId: input.fleetId });
  let imported = 0;
  for (;;) {
    const round = await startFleetImports({ fleetId: input.fleetId, writer: input.writer });
    imported += round.started;
    if (round.paused || (round.importing === 0 && round.waiting === 0)) return { listing, imported };
    if (workflowInfo().continueAsNewSuggested) return continueAsNew<typeof fleetSync>({ ...input, listed: true });
    await sleep(input.checkEveryMs ?? DEFAULT_CHECK_EVERY_MS);
  }
}
