import { sql, type Insertable, type Selectable, type Updateable } from 'kysely';
import { isUniqueViolation } from '../unique-violation.js';
import type { Db } from '../connection.js';
import type { FileFilter, MetadataSettings, ProjectsTable } from '../schema/index.js';

export type Project = Selectable<ProjectsTable>;
export type NewProject = Insertable<ProjectsTable>;
export type ProjectChanges = Updateable<ProjectsTable>;

/** What linking a repository decides; everything else a new project starts empty. */
export interface LinkedRepository {
  tenantId: string;
  owner: string;
  repo: string;
  branch: string | null;
  credentials: Pick<NewProject, 'auth_kind' | 'installation_id' | 'token_ciphertext'>;
  syncMode?: NewProject['sync_mode'];
  filter?: FileFilter;
  metadata?: MetadataSettings;
  fleetId?: string;
}

/** The row of a newly linked project: not imported, no webhook, no sync yet. */
export function newProjectRow(linked: LinkedRepository): NewProject {
  return {
    tenant_id: linked.tenantId,
    owner: linked.owner,
    repo: linked.repo,
    branch: linked.branch,
    default_branch: null,
    ...linked.credentials,
    webhook_secret_ciphertext: null,
    webhook_id: null,
    webhook_problem: null,
    ...(linked.syncMode ? { sync_mode: linked.syncMode } : {}),
    filter: JSON.stringify(linked.filter ?? {}),
    metadata: JSON.stringify(linked.metadata ?? {}),
    sync_error_code: null,
    sync_error_message: null,
    sync_started_at: null,
    sync_completed_at: null,
    last_remote_sha: null,
    last_synced_sha: null,
    last_outbound_base_sha: null,
    current_snapshot_id: null,
    branch_etag: null,
    fleet_id: linked.fleetId ?? null,
  };
}

/** Thrown when a tenant links the same repository branch twice. */
export class DuplicateProjectError extends Error {
  constructor(owner: string, repo: string, branch: string | null) {
    super(`${owner}/${repo}${branch ? ` (branch ${branch})` : ''} is already linked`);
    this.name = 'DuplicateProjectError';
  }
}

/**
 * GitHub owner and repository names are case-insensitive (`ExpressJS/Express` is
 * `expressjs/express`), so every comparison of a project's repository goes through this one
 * condition, which also matches the case-insensitive indexes on `lower(owner), lower(repo)`.
 */
export const sameRepository = (owner: string, repo: string) => sql<boolean>`lower(owner) = lower(${owner}) and lower(repo) = lower(${repo})`;

/** Projects, always scoped to a tenant where a caller reaches them through the API. */
export function projectsRepository(db: Db) {
  return {
    async create(values: NewProject): Promise<Project> {
      try {
        return await db.insertInto('projects').values(values).returningAll().executeTakeFirstOrThrow();
      } catch (error) {
        if (isUniqueViolation(error)) throw new DuplicateProjectError(values.owner, values.repo, values.branch ?? null);
        throw error;
      }
    },

    findForTenant(tenantId: string, id: string): Promise<Project | undefined> {
      return db.selectFrom('projects').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    },

    /** Every project (of any tenant) linked to a repository; GitHub names are case-insensitive. */
    findByRepository(owner: string, repo: string): Promise<Project[]> {
      return db
        .selectFrom('projects')
        .selectAll()
        .where(sameRepository(owner, repo))
        .execute();
    },

    /** Another project of the same repository whose registered hook (and its secret) can be shared. */
    findHookSibling(project: Pick<Project, 'id' | 'owner' | 'repo'>): Promise<Pick<Project, 'webhook_id' | 'webhook_secret_ciphertext'> | undefined> {
      return db
        .selectFrom('projects')
        .select(['webhook_id', 'webhook_secret_ciphertext'])
        .where(sameRepository(project.owner, project.repo))
        .where('id', '!=', project.id)
        .where('webhook_id', 'is not', null)
        .where('webhook_secret_ciphertext', 'is not', null)
        .orderBy('created_at')
        .executeTakeFirst();
    },

    /** Whether any project (of any tenant) still relies on the repository hook `hookId`. */
    async isHookInUse(owner: string, repo: string, hookId: number): Promise<boolean> {
      const user = await db.selectFrom('projects').select('id').where(sameRepository(owner, repo)).where('webhook_id', '=', hookId).executeTakeFirst();
      return user !== undefined;
    },

    /** Enabled, imported projects after the id `after`, in id order (the poll's keyset pages). */
    /** Projects the poll checks (enabled and imported), in poll order (slot, then id), after a cursor. */
    listPollable({ after, limit }: { after: { slot: number; id: string } | null; limit: number }): Promise<Project[]> {
      let query = db.selectFrom('projects').selectAll().where('enabled', '=', true).where('current_snapshot_id', 'is not', null);
      if (after !== null) query = query.where(sql<boolean>`(poll_slot, id) > (${after.slot}, ${after.id}::uuid)`);
      return query.orderBy('poll_slot').orderBy('id').limit(limit).execute();
    },

    /**
     * Of `ids`, the projects whose metadata sync the poll has never started or started longer than
     * `intervalMs` ago, marked as started now in the same statement, so two polls never both start one.
     */
    async claimMetadataDue(ids: string[], intervalMs: number): Promise<string[]> {
      if (ids.length === 0) return [];
      const rows = await db
        .updateTable('projects')
        .set({ metadata_requested_at: sql<Date>`now()` })
        .where('id', 'in', ids)
        .where((eb) => eb.or([eb('metadata_requested_at', 'is', null), eb('metadata_requested_at', '<', sql<Date>`now() - make_interval(secs => ${intervalMs / 1000})`)]))
        .returning('id')
        .execute();
      return rows.map((row) => row.id);
    },

    /** Forgets a start that did not happen, so the next poll tries again. */
    async releaseMetadataClaim(id: string): Promise<void> {
      await db.updateTable('projects').set({ metadata_requested_at: null }).where('id', '=', id).execute();
    },

    /** The repository's default branch and the head of the followed branch, as a sync just read them. */
    async recordHead(id: string, head: { defaultBranch: string; lastRemoteSha: string | null }): Promise<void> {
      await db.updateTable('projects').set({ default_branch: head.defaultBranch, last_remote_sha: head.lastRemoteSha }).where('id', '=', id).execute();
    },

    /** What the poll's branch read answered: its ETag (for the next conditional read) and the head. */
    async recordPolledHead(id: string, polled: { etag: string | null; lastRemoteSha: string }): Promise<void> {
      await db.updateTable('projects').set({ branch_etag: polled.etag, last_remote_sha: polled.lastRemoteSha }).where('id', '=', id).execute();
    },

    /** The commit the last outbound edit was built on. */
    async recordOutboundBase(id: string, sha: string): Promise<void> {
      await db.updateTable('projects').set({ last_outbound_base_sha: sha }).where('id', '=', id).execute();
    },

    /** Stores the project's webhook registration (or why there is none) and answers the project as it is now. */
    recordWebhook(id: string, webhook: Pick<ProjectChanges, 'webhook_id' | 'webhook_secret_ciphertext' | 'webhook_problem'>): Promise<Project> {
      return db.updateTable('projects').set(webhook).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    },

    /**
     * The project's current snapshot, its row locked until the caller's transaction ends, so no
     * other writer moves the snapshot meanwhile; null when it has none (or the project is gone).
     */
    async lockCurrentSnapshot(id: string): Promise<string | null> {
      const project = await db.selectFrom('projects').select(['current_snapshot_id']).where('id', '=', id).forUpdate().executeTakeFirst();
      return project?.current_snapshot_id ?? null;
    },

    findById(id: string): Promise<Project | undefined> {
      return db.selectFrom('projects').selectAll().where('id', '=', id).executeTakeFirst();
    },

    async listForTenant(tenantId: string, { limit, offset }: { limit: number; offset: number }): Promise<{ projects: Project[]; total: number }> {
      const [projects, count] = await Promise.all([
        db.selectFrom('projects').selectAll().where('tenant_id', '=', tenantId).orderBy('created_at').orderBy('id').limit(limit).offset(offset).execute(),
        db.selectFrom('projects').select((eb) => eb.fn.countAll<number>().as('total')).where('tenant_id', '=', tenantId).executeTakeFirstOrThrow(),
      ]);
      return { projects, total: Number(count.total) };
    },

    /**
     * Applies `changes`; `metadata` parts are merged into the stored setting inside the same
     * statement, so two callers switching different parts at once both keep their change.
     */
    async updateForTenant(tenantId: string, id: string, changes: ProjectChanges, metadata?: MetadataSettings): Promise<Project | undefined> {
      try {
        return await db
          .updateTable('projects')
          .set({
            ...changes,
            ...(metadata !== undefined ? { metadata: sql<string>`metadata || ${JSON.stringify(metadata)}::jsonb` } : {}),
            updated_at: sql<Date>`now()`,
          })
          .where('tenant_id', '=', tenantId)
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirst();
      } catch (error) {
        if (isUniqueViolation(error)) throw new DuplicateProjectError('this repository', '', (changes.branch as string | null) ?? null);
        throw error;
      }
    },

    async deleteForTenant(tenantId: string, id: string): Promise<boolean> {
      const result = await db.deleteFrom('projects').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
  };
}
