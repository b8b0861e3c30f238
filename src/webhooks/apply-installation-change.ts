import type { Client } from '@temporalio/client';
import { unlinkProject } from '../api/routes/projects/unlink-project.js';
import type { Config } from '../config.js';
import { fleetsRepository } from '../db/repositories/fleets.js';
import { startFleetSync, stopFleetSync } from '../temporal/fleet-sync.js';
import type { WebhookDeps } from './connect-webhook.js';
import type { InstallationChange } from './installation-events.js';

/** The outcome an installation delivery is stamped with. */
export const installationOutcome = (change: InstallationChange) => `installation-${change.kind}`;

/**
 * What an installation change does to the fleets following the installation: gained
 * repositories (or permissions) list the fleet again; lost ones stop or unlink their projects
 * as the fleet says; a suspended or deleted installation stops every project of its fleets
 * with a status saying why, and unsuspending starts them again.
 *
 * It talks to Temporal and GitHub, so it cannot share a transaction with the delivery's stamp:
 * every step sets a state (a status, an enabled flag, a workflow started under a fixed id, a
 * project gone), so applying it again after a crash before the stamp ends where applying it once does.
 */
export async function applyInstallationChange(deps: WebhookDeps & { temporal: Client; config: WebhookDeps['config'] & Pick<Config, 'temporal' | 'syncMaxAttempts'> }, change: InstallationChange): Promise<void> {
  const { db, temporal, config } = deps;
  const fleets = fleetsRepository(db);
  for (const fleet of await fleets.findByInstallation(change.installationId)) {
    if (fleet.status === 'deleted') continue;
    switch (change.kind) {
      case 'relist':
        if (fleet.status !== 'suspended') await startFleetSync(temporal, config, fleet.id);
        break;
      case 'repositories-removed': {
        const lost = await fleets.projectsOf(fleet.id, change.repositories);
        if (fleet.on_repository_removed === 'remove') {
          for (const project of lost) await unlinkProject(deps, project);
        } else {
          await fleets.setProjectsEnabled(fleet.id, { enabled: false, code: 'removed-from-installation', reason: `installation ${change.installationId} no longer grants this repository` }, lost.map((p) => p.id));
        }
        break;
      }
      case 'suspended':
      case 'deleted': {
        const reason = change.kind === 'suspended' ? `installation ${change.installationId} is suspended on GitHub` : `installation ${change.installationId} was removed from GitHub`;
        await stopFleetSync(temporal, fleet.id, reason);
        await fleets.setStatus(fleet.id, change.kind, reason);
        await fleets.setProjectsEnabled(fleet.id, { enabled: false, code: `installation-${change.kind}`, reason });
        break;
      }
      case 'unsuspended':
        await fleets.setProjectsEnabled(fleet.id, { enabled: true });
        await fleets.setStatus(fleet.id, 'importing');
        await startFleetSync(temporal, config, fleet.id);
        break;
    }
  }
}
