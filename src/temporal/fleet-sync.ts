import type { Client } from '@temporalio/client';
import type { Config } from '../config.js';
import { fleetSyncWorkflowId, type FleetSyncInput } from '../shared/fleet-sync.js';

/**
 * Starts the fleet's sync; a run already going is replaced, so linking a fleet again (new
 * settings, or after an installation gained repositories) lists from the start. Linking is
 * idempotent, so the replaced run's work is never doubled.
 */
export async function startFleetSync(temporal: Client, config: Pick<Config, 'temporal' | 'syncMaxAttempts'>, fleetId: string): Promise<{ workflowId: string }> {
  const workflowId = fleetSyncWorkflowId(fleetId);
  const input: FleetSyncInput = { fleetId, writer: { taskQueue: config.temporal.taskQueue, maximumAttempts: config.syncMaxAttempts } };
  await temporal.workflow.start('fleetSync', { workflowId, taskQueue: config.temporal.taskQueue, args: [input], workflowIdConflictPolicy: 'TERMINATE_EXISTING' });
  return { workflowId };
}

/** Stops the fleet's sync, if one runs. */
export async function stopFleetSync(temporal: Client, fleetId: string, reason: string): Promise<void> {
  await temporal.workflow
    .getHandle(fleetSyncWorkflowId(fleetId))
    .terminate(reason)
    .catch(() => {});
}
