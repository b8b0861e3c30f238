import { sql } from 'kysely';
import type { Db } from '../db/connection.js';
import { projectRequestsRepository, type ProjectColumns } from '../db/repositories/project-requests.js';
import { projectsRepository, type Project } from '../db/repositories/projects.js';
import { syncOperationsRepository } from '../db/repositories/sync-operations.js';
import type { PendingDelivery } from '../db/repositories/webhook-deliveries.js';
import { metadataEnabled } from '../shared/metadata-sync.js';
import type { BranchMove } from './branch-move-writer.js';
import { metadataUpdateFor, refUpdateFor } from './metadata-events.js';
import { projectUpdateFor, storedRepository, type ProjectUpdate, type WebhookPayload } from './repository-events.js';

/** What the applier hands on once a batch's transaction committed; none of it touches the database there. */
export interface AfterCommit {
  /** Pushed branch moves for the branch-move writer. */
  moves: Array<{ projectId: string; move: BranchMove; commits: boolean }>;
  /** Projects whose metadata sync should reconcile their refs. */
  reconcile: string[];
  /** Some project's `sync_requests` was raised. */
  follow: boolean;
  /** Some project's `repository_refresh_requests` was raised. */
  refresh: boolean;
}

export const nothingAfter = (): AfterCommit => ({ moves: [], reconcile: [], follow: false, refresh: false });

/** What applying a delivery did: the outcome stamped on its row and the project it names. */
export interface DeliveryResult {
  outcome: string;
  projectId: string | null;
}

/**
 * Applies one recorded repository, metadata or ping delivery to the projects it concerns, read
 * as they are now, through `trx` — the transaction that also stamps the delivery applied, so its
 * effect and that stamp commit together. What must wait for the commit is added to `after`.
 */
export async function applyDelivery(trx: Db, delivery: PendingDelivery, payload: WebhookPayload, after: AfterCommit): Promise<DeliveryResult> {
  const targets = await targetsOf(trx, delivery, payload);
  const projectId = targets[0]?.id ?? null;
  const done = (outcome: string): DeliveryResult => ({ outcome, projectId });
  if (delivery.event === 'ping') return done('pong');

  const metadata = metadataUpdateFor(delivery.event, payload);
  if (metadata) {
    const enabled = targets.filter((project) => metadataEnabled(project.metadata, metadata.setting));
    if (enabled.length === 0 && targets.length > 0) return done('metadata-switched-off');
    for (const project of enabled) await metadata.apply(trx, project.id);
    return done(metadata.name);
  }

  const updates: Array<{ project: Project; update: ProjectUpdate }> = [];
  for (const project of targets) {
    const update = projectUpdateFor(delivery.event, payload, project);
    if (update) updates.push({ project, update: await suppressEcho(trx, project, update) });
  }
  // A deleted branch or tag also leaves the stored refs, a pushed branch moves; a created one or
  // a pushed tag is reconciled.
  const refs = refUpdateFor(delivery.event, payload);
  const refTargets = refs ? targets.filter((project) => metadataEnabled(project.metadata, refs.setting)) : [];
  for (const project of refTargets) {
    if (refs!.move) after.moves.push({ projectId: project.id, move: refs!.move, commits: metadataEnabled(project.metadata, 'commits') });
    await refs!.apply(trx, project.id);
    if (refs!.reconcile) after.reconcile.push(project.id);
  }
  if (updates.length === 0) return done(refTargets.length > 0 ? refs!.name : 'ignored');

  for (const { project, update } of updates) await recordUpdate(trx, project, update);
  after.follow ||= updates.some(({ update }) => update.follow);
  after.refresh ||= updates.some(({ update }) => update.refresh === true);
  return done([...new Set(updates.map(({ update }) => update.outcome))].join(','));
}

/**
 * The projects a delivery may change: those whose own secret verified it, or, when the App's
 * secret did, every project of the repository the payload names (under the name they know it
 * by, which is the old one for a rename or transfer).
 */
async function targetsOf(trx: Db, delivery: PendingDelivery, payload: WebhookPayload): Promise<Project[]> {
  if (delivery.verifiedProjectIds) {
    if (delivery.verifiedProjectIds.length === 0) return [];
    const found = await trx.selectFrom('projects').selectAll().where('id', 'in', delivery.verifiedProjectIds).execute();
    // In the order the route verified them, which names the delivery's project first.
    return delivery.verifiedProjectIds.flatMap((id) => found.find((project) => project.id === id) ?? []);
  }
  const stored = storedRepository(delivery.event, payload);
  return stored ? projectsRepository(trx).findByRepository(stored.owner, stored.repo) : [];
}

/**
 * The push GitHub sends for a commit our own OutboundSync wrote (recorded before its ref moved)
 * is not followed: that operation moves our snapshot to it, so there is nothing to import.
 */
async function suppressEcho(trx: Db, project: Project, update: ProjectUpdate): Promise<ProjectUpdate> {
  if (!update.follow || !update.sha || !(await syncOperationsRepository(trx).isOutboundCommit(project.id, update.sha))) return update;
  return { ...update, outcome: 'own-outbound-commit', follow: false };
}

/**
 * Records a delivery's meaning for one project. A change of name that collides with another
 * project of the tenant (the unique repository index) is left as it was, inside a savepoint so
 * the batch's transaction goes on.
 */
async function recordUpdate(trx: Db, project: Project, update: ProjectUpdate): Promise<void> {
  const record = { changes: update.changes, follow: update.follow, refresh: update.refresh === true };
  if (!renames(update.changes)) return projectRequestsRepository(trx).recordDelivery(project.id, record);
  await sql`savepoint record_update`.execute(trx);
  try {
    await projectRequestsRepository(trx).recordDelivery(project.id, record);
    await sql`release savepoint record_update`.execute(trx);
  } catch (error) {
    if ((error as { code?: string }).code !== '23505') throw error;
    await sql`rollback to savepoint record_update`.execute(trx);
  }
}

const renames = (changes: ProjectColumns) => changes.owner !== undefined || changes.repo !== undefined;
