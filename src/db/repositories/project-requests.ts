import { sql } from 'kysely';
import type { Db } from '../connection.js';
import type { ProjectsTable } from '../schema/index.js';
import { notFoundOnGitHub } from './project-sync-state.js';
import type { Project } from './projects.js';

/** Project columns a webhook delivery or a re-read of the repository takes from GitHub. */
export type ProjectColumns = Partial<Pick<ProjectsTable, 'owner' | 'repo' | 'default_branch' | 'last_remote_sha'>> & { archived?: boolean };

/** A project's share of a batch of deliveries that changes nothing of it but the head last pushed (null: unchanged). */
export interface PushDelta {
  projectId: string;
  lastRemoteSha: string | null;
  syncRequests: number;
  refreshRequests: number;
}

/** What the dispatcher needs of a project to signal its writer. */
export type SyncRequest = Pick<Project, 'id' | 'tenant_id' | 'owner' | 'repo' | 'branch' | 'default_branch' | 'sync_requests'>;

/**
 * The work webhooks leave for after their answer, counted on the project row: pushes for its
 * writer (`sync_requests`) and repository state events to re-read from GitHub
 * (`repository_refresh_requests`). A request is cleared only by the amount its worker saw, after
 * the work is done, so requests that arrive meanwhile stay counted and nothing is lost in a crash.
 */
export function projectRequestsRepository(db: Db) {
  return {
    /**
     * Records what a batch of deliveries means for several projects in one statement: the head
     * each was last pushed to, and their requests summed. A burst of pushes to many projects is
     * one UPDATE, not one per project.
     */
    async recordPushes(deltas: PushDelta[]): Promise<void> {
      if (deltas.length === 0) return;
      await sql`
        update projects as p
        set sync_requests = p.sync_requests + d.sync_requests,
            repository_refresh_requests = p.repository_refresh_requests + d.refresh_requests,
            last_remote_sha = coalesce(d.last_remote_sha, p.last_remote_sha),
            updated_at = now()
        from unnest(${deltas.map((d) => d.projectId)}::uuid[], ${deltas.map((d) => d.lastRemoteSha)}::text[], ${deltas.map((d) => d.syncRequests)}::int[], ${deltas.map((d) => d.refreshRequests)}::int[])
          as d(id, last_remote_sha, sync_requests, refresh_requests)
        where p.id = d.id`.execute(db);
    },

    /** Projects with pushes to signal, in id order. */
    pendingSyncs(limit: number): Promise<SyncRequest[]> {
      return db.selectFrom('projects').select(['id', 'tenant_id', 'owner', 'repo', 'branch', 'default_branch', 'sync_requests']).where('sync_requests', '>', 0).orderBy('id').limit(limit).execute();
    },

    /** Clears the `seen` push requests a signal answered. */
    async clearSyncRequests(projectId: string, seen: number): Promise<void> {
      await db.updateTable('projects').set({ sync_requests: sql<number>`greatest(sync_requests - ${seen}, 0)` }).where('id', '=', projectId).execute();
    },

    /** Projects whose repository is to be re-read, in id order. */
    pendingRefreshes(limit: number): Promise<Array<Pick<Project, 'id' | 'repository_refresh_requests'>>> {
      return db.selectFrom('projects').select(['id', 'repository_refresh_requests']).where('repository_refresh_requests', '>', 0).orderBy('id').limit(limit).execute();
    },

    /**
     * Stores a re-read repository state and clears the `seen` requests it answered, in one
     * statement: `notFound` (why) marks the repository or branch gone, and `follow` asks the
     * project's writer to look at the head.
     */
    async applyRefresh(projectId: string, refresh: { changes: ProjectColumns; notFound?: string | undefined; follow: boolean; seen: number }): Promise<void> {
      await db
        .updateTable('projects')
        .set({
          ...refresh.changes,
          ...(refresh.notFound !== undefined ? notFoundOnGitHub(refresh.notFound) : {}),
          repository_refresh_requests: sql<number>`greatest(repository_refresh_requests - ${refresh.seen}, 0)`,
          ...(refresh.follow ? { sync_requests: sql<number>`sync_requests + 1` } : {}),
          updated_at: sql<Date>`now()`,
        })
        .where('id', '=', projectId)
        .execute();
    },
  };
}
