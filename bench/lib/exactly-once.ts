import type { Db } from '../../src/db/connection.js';
import type { ApiClient, OperationView } from './api-client.js';
import type { FleetProject } from './push-fleet.js';
import type { SendRecord } from './send-deliveries.js';

export interface ProjectOutcome {
  repo: string;
  pushes: number;
  finalHead: string;
  lastSyncedSha: string | null;
  syncs: OperationView[];
  failed: number;
  /** Syncs that found the snapshot already at the head (a follow-up with nothing new). */
  upToDate: number;
  /** Syncs that applied a before → after transition another sync had already applied. */
  repeated: number;
}

export interface ExactlyOnce {
  uniqueSent: number;
  rows: number;
  missing: number;
  extra: number;
  /** Delivery ids answered as a first delivery (not `duplicate`) more than once: a double. */
  acceptedTwice: number;
  /** Delivery ids none of whose sends got an answer (timed out); GitHub would show them failed. */
  unanswered: number;
  outcomes: Record<string, number>;
  projects: ProjectOutcome[];
}

/**
 * What the run left behind, from the user's side (the REST API) and the database's: one row per
 * unique delivery id, one accepting answer per id, every project at its final head, and its
 * incremental syncs — which coalescing keeps far fewer than its pushes.
 */
export async function checkExactlyOnce(db: Db, api: ApiClient, fleet: FleetProject[], records: SendRecord[], finalHeads: string[]): Promise<ExactlyOnce> {
  const unique = new Set(records.filter((record) => record.kind === 'push').map((record) => record.delivery));
  const rows = await db.selectFrom('webhook_deliveries').select(['delivery_id', 'outcome']).execute();
  const stored = new Set(rows.map((row) => row.delivery_id));
  const outcomes: Record<string, number> = {};
  for (const row of rows) outcomes[row.outcome] = (outcomes[row.outcome] ?? 0) + 1;

  const accepted = new Map<string, number>();
  const answered = new Set<string>();
  for (const record of records) {
    const ok = record.status >= 200 && record.status < 300;
    if (ok) answered.add(record.delivery);
    accepted.set(record.delivery, (accepted.get(record.delivery) ?? 0) + (ok && record.outcome !== 'duplicate' ? 1 : 0));
  }

  const projects = await Promise.all(
    fleet.map(async (project, r): Promise<ProjectOutcome> => {
      const syncs = (await api.operations(project.projectId)).filter((operation) => operation.kind === 'incremental');
      const applied = syncs.filter((sync) => sync.status === 'succeeded' && sync.metadata.upToDate !== true);
      const transitions = new Set(applied.map((sync) => `${sync.beforeSha}..${sync.afterSha}`));
      return {
        repo: project.repo,
        pushes: records.filter((record) => record.kind === 'push' && record.repo === r).length,
        finalHead: finalHeads[r]!,
        lastSyncedSha: (await api.project(project.projectId)).sync.lastSyncedSha,
        syncs,
        failed: syncs.filter((sync) => sync.status !== 'succeeded').length,
        upToDate: syncs.filter((sync) => sync.metadata.upToDate === true).length,
        repeated: applied.length - transitions.size,
      };
    }),
  );
  return {
    uniqueSent: unique.size,
    rows: rows.length,
    missing: [...unique].filter((id) => !stored.has(id)).length,
    extra: [...stored].filter((id) => !unique.has(id)).length,
    acceptedTwice: [...accepted.values()].filter((count) => count > 1).length,
    unanswered: [...unique].filter((id) => !answered.has(id)).length,
    outcomes,
    projects,
  };
}
