import { sql, type Insertable, type Selectable } from 'kysely';
import { isUniqueViolation } from '../unique-violation.js';
import type { Db } from '../connection.js';
import type { FleetsTable, FleetStatus, SyncStatus } from '../schema/index.js';
import { sameRepository, type NewProject, type Project } from './projects.js';

export type Fleet = Selectable<FleetsTable>;
export type NewFleet = Insertable<FleetsTable>;

/** A repository a fleet listing found, as the project it becomes. */
export interface FleetRepository {
  owner: string;
  repo: string;
}

/** How many of a fleet's projects are in each sync state. */
export interface FleetCounts {
  total: number;
  pending: number;
  syncing: number;
  synced: number;
  failed: number;
  /** Linked, never asked for an import yet. */
  waiting: number;
}

/** States in which a project's initial import is under way or asked for. */
const IMPORTING: SyncStatus[] = ['pending', 'syncing'];

export function fleetsRepository(db: Db) {
  return {
    /**
     * Creates the tenant's fleet for an installation or organisation, or returns the one it
     * already has (linking twice adopts, with the settings of the second request).
     */
    async createOrAdopt(values: NewFleet): Promise<{ fleet: Fleet; adopted: boolean }> {
      const existing = await db
        .selectFrom('fleets')
        .selectAll()
        .where('tenant_id', '=', values.tenant_id)
        .where((eb) => (values.installation_id != null ? eb('installation_id', '=', values.installation_id) : eb(sql`lower(org)`, '=', (values.org ?? '').toLowerCase())))
        .executeTakeFirst();
      if (existing) {
        const { tenant_id: _tenant, installation_id: _installation, org: _org, ...settings } = values;
        const fleet = await db.updateTable('fleets').set({ ...settings, status: 'listing', status_reason: null, updated_at: new Date() }).where('id', '=', existing.id).returningAll().executeTakeFirstOrThrow();
        return { fleet, adopted: true };
      }
      try {
        const fleet = await db.insertInto('fleets').values(values).returningAll().executeTakeFirstOrThrow();
        return { fleet, adopted: false };
      } catch (error) {
        // Two first links of one installation at once: the one that lost the insert adopts the other's fleet.
        if (!isUniqueViolation(error)) throw error;
        return this.createOrAdopt(values);
      }
    },

    find(id: string): Promise<Fleet | undefined> {
      return db.selectFrom('fleets').selectAll().where('id', '=', id).executeTakeFirst();
    },

    findForTenant(tenantId: string, id: string): Promise<Fleet | undefined> {
      return db.selectFrom('fleets').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    },

    /** Every tenant's fleet that follows an installation (events name the installation, not the tenant). */
    findByInstallation(installationId: number): Promise<Fleet[]> {
      return db.selectFrom('fleets').selectAll().where('installation_id', '=', installationId).execute();
    },

    setStatus(id: string, status: FleetStatus, reason: string | null = null): Promise<unknown> {
      return db.updateTable('fleets').set({ status, status_reason: reason, updated_at: new Date() }).where('id', '=', id).execute();
    },

    recordListing(id: string, listed: number): Promise<unknown> {
      return db.updateTable('fleets').set({ repositories_listed: listed, listed_at: new Date(), updated_at: new Date() }).where('id', '=', id).execute();
    },

    /**
     * Links each repository as a project of the fleet, in one transaction per call: a repository
     * the tenant already links on its default branch is adopted (it keeps its settings and data),
     * never linked twice. Returns how many projects were created and adopted.
     */
    async linkRepositories(fleet: Fleet, repositories: FleetRepository[], project: (repository: FleetRepository) => NewProject): Promise<{ created: number; adopted: number }> {
      let created = 0;
      let adopted = 0;
      await db.transaction().execute(async (trx) => {
        for (const repository of repositories) {
          const existing = await trx
            .selectFrom('projects')
            .select(['id', 'fleet_id'])
            .where('tenant_id', '=', fleet.tenant_id)
            .where(sameRepository(repository.owner, repository.repo))
            .where('branch', 'is', null)
            .executeTakeFirst();
          if (existing) {
            if (existing.fleet_id !== fleet.id) await trx.updateTable('projects').set({ fleet_id: fleet.id, enabled: true }).where('id', '=', existing.id).execute();
            adopted += 1;
            continue;
          }
          await trx.insertInto('projects').values({ ...project(repository), fleet_id: fleet.id }).execute();
          created += 1;
        }
      });
      return { created, adopted };
    },

    /** The fleet's projects of these repositories (an installation event names repositories by full name). */
    projectsOf(fleetId: string, repositories: FleetRepository[]): Promise<Project[]> {
      if (repositories.length === 0) return Promise.resolve([]);
      return db
        .selectFrom('projects')
        .selectAll()
        .where('fleet_id', '=', fleetId)
        .where((eb) => eb.or(repositories.map((r) => sameRepository(r.owner, r.repo))))
        .execute();
    },

    /**
     * Stops projects of the fleet (all of them, or those of `projectIds`) with the code saying
     * why, keeping their data; or starts the ones it stopped again.
     */
    setProjectsEnabled(fleetId: string, change: { enabled: true } | { enabled: false; code: string; reason: string }, projectIds?: string[]): Promise<unknown> {
      if (projectIds?.length === 0) return Promise.resolve();
      let query = db
        .updateTable('projects')
        .set(change.enabled ? { enabled: true, sync_error_code: null, sync_error_message: null } : { enabled: false, sync_error_code: change.code, sync_error_message: change.reason })
        .where('fleet_id', '=', fleetId);
      if (projectIds) query = query.where('id', 'in', projectIds);
      // Starting again touches only what an installation's suspension or removal stopped, never a
      // project stopped by hand or for losing its repository; stopping keeps the first reason.
      query = change.enabled ? query.where('sync_error_code', 'in', ['installation-suspended', 'installation-deleted']) : query.where('enabled', '=', true);
      return query.execute();
    },

    /** Projects of the fleet never imported and not being imported, oldest link first. */
    importable(fleetId: string, limit: number): Promise<Project[]> {
      return db
        .selectFrom('projects')
        .selectAll()
        .where('fleet_id', '=', fleetId)
        .where('enabled', '=', true)
        .where('current_snapshot_id', 'is', null)
        .where('sync_status', '=', 'idle')
        .orderBy('created_at')
        .orderBy('id')
        .limit(limit)
        .execute();
    },

    async importing(fleetId: string): Promise<number> {
      const row = await db
        .selectFrom('projects')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('fleet_id', '=', fleetId)
        .where('sync_status', 'in', IMPORTING)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    async counts(fleetId: string): Promise<FleetCounts> {
      const rows = await db
        .selectFrom('projects')
        .select(['sync_status', (eb) => eb.fn.countAll<string>().as('n'), sql<boolean>`current_snapshot_id is null`.as('never_imported')])
        .where('fleet_id', '=', fleetId)
        .groupBy(['sync_status', sql`current_snapshot_id is null`])
        .execute();
      const counts: FleetCounts = { total: 0, pending: 0, syncing: 0, synced: 0, failed: 0, waiting: 0 };
      for (const row of rows) {
        const n = Number(row.n);
        counts.total += n;
        if (row.sync_status === 'idle' && row.never_imported) counts.waiting += n;
        else if (row.sync_status === 'pending') counts.pending += n;
        else if (row.sync_status === 'syncing') counts.syncing += n;
        else if (row.sync_status === 'failed' || row.sync_status === 'cancelled') counts.failed += n;
        else counts.synced += n;
      }
      return counts;
    },

    /** The fleet's projects in id order after `after`. */
    listProjects(fleetId: string, { after, limit }: { after?: string; limit: number }): Promise<Project[]> {
      let query = db.selectFrom('projects').selectAll().where('fleet_id', '=', fleetId);
      if (after) query = query.where('id', '>', after);
      return query.orderBy('id').limit(limit).execute();
    },

    /** Removes the fleet; its projects stay, on their own (their fleet_id goes null). */
    async remove(tenantId: string, id: string): Promise<boolean> {
      const result = await db.deleteFrom('fleets').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
  };
}
