import { sql } from 'kysely';
import type { Db } from '../db/connection.js';
import { projectRequestsRepository, type PushDelta } from '../db/repositories/project-requests.js';
import { sameRepository, type Project } from '../db/repositories/projects.js';
import type { PendingDelivery } from '../db/repositories/webhook-deliveries.js';
import { metadataEnabled } from '../shared/metadata-sync.js';
import type { BranchMove } from './branch-move-writer.js';
import { metadataUpdateFor, refUpdateFor } from './metadata-events.js';
import { projectUpdateFor, SHA, storedRepository, type ProjectUpdate, type WebhookPayload } from './repository-events.js';

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

/** What applying a delivery did: the outcome stamped on its row and the project it names. */
export interface DeliveryResult {
  outcome: string;
  projectId: string | null;
}

export interface ReadDelivery {
  delivery: PendingDelivery;
  payload: WebhookPayload;
}

/**
 * Applies a batch of recorded repository, metadata and ping deliveries, in order, through `trx` —
 * the transaction that also stamps them applied, so their effect and that stamp commit together.
 * A handful of statements whatever the batch's size: the projects are read once, the echo check
 * is one query, and all the projects' net effects are one UPDATE. That is the same as applying
 * them one by one because no delivery writes a column a delivery decides on
 * (branch, default branch, sync state, snapshot, enabled): renames and branch changes are re-read
 * from GitHub by the refresher, never taken from a payload. What must wait for the commit is
 * returned in `after`.
 */
export async function applyDeliveries(trx: Db, batch: ReadDelivery[]): Promise<{ results: DeliveryResult[]; after: AfterCommit }> {
  const after: AfterCommit = { moves: [], reconcile: [], follow: false, refresh: false };
  const targets = await targetsOf(trx, batch);
  const echoes = await outboundCommits(trx, batch, targets);
  // Each project's share of the batch: the head its latest push named, and its requests summed.
  const deltas = new Map<string, PushDelta>();
  const results: DeliveryResult[] = [];
  for (const item of batch) {
    const projects = targets.get(item.delivery.seq) ?? [];
    const outcome = await applyOne(trx, item, projects, (project, update) => {
      const delta = deltas.get(project.id) ?? { projectId: project.id, lastRemoteSha: null, syncRequests: 0, refreshRequests: 0 };
      delta.lastRemoteSha = update.changes.last_remote_sha ?? delta.lastRemoteSha;
      if (update.follow) delta.syncRequests += 1;
      if (update.refresh) delta.refreshRequests += 1;
      deltas.set(project.id, delta);
    }, (project, sha) => echoes.has(`${project.id}:${sha}`), after);
    results.push({ outcome, projectId: projects[0]?.id ?? null });
  }
  await projectRequestsRepository(trx).recordPushes([...deltas.values()]);
  after.follow = [...deltas.values()].some((delta) => delta.syncRequests > 0);
  after.refresh = [...deltas.values()].some((delta) => delta.refreshRequests > 0);
  return { results, after };
}

/** One delivery's meaning for its projects: metadata and ref rows written now, project updates handed to `record`. */
async function applyOne(
  trx: Db,
  { delivery, payload }: ReadDelivery,
  targets: Project[],
  record: (project: Project, update: ProjectUpdate) => void,
  isEcho: (project: Project, sha: string) => boolean,
  after: AfterCommit,
): Promise<string> {
  if (delivery.event === 'ping') return 'pong';
  const metadata = metadataUpdateFor(delivery.event, payload);
  if (metadata) {
    const enabled = targets.filter((project) => metadataEnabled(project.metadata, metadata.setting));
    if (enabled.length === 0 && targets.length > 0) return 'metadata-switched-off';
    for (const project of enabled) await metadata.apply(trx, project.id);
    return metadata.name;
  }

  const updates: Array<{ project: Project; update: ProjectUpdate }> = [];
  for (const project of targets) {
    const update = projectUpdateFor(delivery.event, payload, project);
    if (!update) continue;
    // The push GitHub sends for a commit our own OutboundSync wrote (recorded before its ref
    // moved) is not followed: that operation moves our snapshot to it, so there is nothing to import.
    const echo = update.follow && update.sha !== undefined && isEcho(project, update.sha);
    updates.push({ project, update: echo ? { ...update, outcome: 'own-outbound-commit', follow: false } : update });
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
  if (updates.length === 0) return refTargets.length > 0 ? refs!.name : 'ignored';
  for (const { project, update } of updates) record(project, update);
  return [...new Set(updates.map(({ update }) => update.outcome))].join(',');
}

const repositoryKey = (owner: string, repo: string) => `${owner.toLowerCase()}/${repo.toLowerCase()}`;

/**
 * Each delivery's projects: those whose own secret verified it (in the order the route verified
 * them), or, when the App's secret did, every project of the repository the payload names (under
 * the name they know it by, which is the old one for a rename or transfer). Two queries at most.
 */
async function targetsOf(trx: Db, batch: ReadDelivery[]): Promise<Map<number, Project[]>> {
  const ids = [...new Set(batch.flatMap(({ delivery }) => delivery.verifiedProjectIds ?? []))];
  const named = new Map<string, { owner: string; repo: string }>();
  for (const { delivery, payload } of batch) {
    const stored = delivery.verifiedProjectIds ? undefined : storedRepository(delivery.event, payload);
    if (stored) named.set(repositoryKey(stored.owner, stored.repo), stored);
  }
  const byId = new Map<string, Project>();
  if (ids.length > 0) for (const project of await trx.selectFrom('projects').selectAll().where('id', 'in', ids).execute()) byId.set(project.id, project);
  const byRepository = new Map<string, Project[]>();
  if (named.size > 0) {
    const rows = await trx
      .selectFrom('projects')
      .selectAll()
      .where((eb) => eb.or([...named.values()].map(({ owner, repo }) => sameRepository(owner, repo))))
      .orderBy('id')
      .execute();
    for (const project of rows) {
      const key = repositoryKey(project.owner, project.repo);
      byRepository.set(key, [...(byRepository.get(key) ?? []), project]);
    }
  }
  const targets = new Map<number, Project[]>();
  for (const { delivery, payload } of batch) {
    if (delivery.verifiedProjectIds) {
      targets.set(delivery.seq, delivery.verifiedProjectIds.flatMap((id) => byId.get(id) ?? []));
      continue;
    }
    const stored = storedRepository(delivery.event, payload);
    targets.set(delivery.seq, stored ? (byRepository.get(repositoryKey(stored.owner, stored.repo)) ?? []) : []);
  }
  return targets;
}

/** `<projectId>:<sha>` for every pushed commit of the batch that one of our OutboundSyncs wrote. */
async function outboundCommits(trx: Db, batch: ReadDelivery[], targets: Map<number, Project[]>): Promise<Set<string>> {
  const projectIds = new Set<string>();
  const shas = new Set<string>();
  for (const { delivery, payload } of batch) {
    if (delivery.event !== 'push' || typeof payload.after !== 'string' || !SHA.test(payload.after)) continue;
    shas.add(payload.after);
    for (const project of targets.get(delivery.seq) ?? []) projectIds.add(project.id);
  }
  if (shas.size === 0 || projectIds.size === 0) return new Set();
  const sha = sql<string>`metadata->'commit'->>'sha'`;
  const rows = await trx
    .selectFrom('sync_operations')
    .select(['project_id', sha.as('sha')])
    .where('project_id', 'in', [...projectIds])
    .where('kind', '=', 'outbound')
    .where(sha, 'in', [...shas])
    .execute();
  return new Set(rows.map((row) => `${row.project_id}:${row.sha}`));
}
