import type { Fleet, FleetCounts } from '../../db/repositories/fleets.js';
import type { presentFleetBudget } from '../../fleets/fleet-budget.js';

/** A fleet as the API shows it, with its projects' states and an ETA at the rate imports have ended so far. */
export function presentFleet(fleet: Fleet, counts: FleetCounts, rateLimit: ReturnType<typeof presentFleetBudget> = null, now = Date.now()) {
  const done = counts.synced + counts.failed;
  const elapsedSeconds = fleet.listed_at ? (now - fleet.listed_at.getTime()) / 1000 : 0;
  const etaSeconds = done > 0 && elapsedSeconds > 0 ? Math.round(((counts.total - done) * elapsedSeconds) / done) : null;
  return {
    id: fleet.id,
    installationId: fleet.installation_id,
    org: fleet.org,
    include: fleet.include,
    exclude: fleet.exclude,
    forks: fleet.forks,
    archived: fleet.archived,
    maxConcurrentImports: fleet.max_concurrent_imports,
    onRepositoryRemoved: fleet.on_repository_removed,
    status: fleet.status,
    statusReason: fleet.status_reason,
    repositoriesListed: fleet.repositories_listed,
    listedAt: fleet.listed_at?.toISOString() ?? null,
    createdAt: fleet.created_at.toISOString(),
    counts,
    rateLimit,
    progress: { done, total: counts.total, percent: counts.total === 0 ? 100 : Math.round((1000 * done) / counts.total) / 10, etaSeconds },
  };
}
