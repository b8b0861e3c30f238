import type { Selectable } from 'kysely';
import type { Db } from '../connection.js';
import type { MetadataPhase, SyncStatesTable } from '../schema/index.js';

export type SyncStateRow = Selectable<SyncStatesTable>;

export function syncStatesRepository(db: Db) {
  return {
    async forProject(projectId: string): Promise<SyncStateRow[]> {
      return db.selectFrom('sync_states').selectAll().where('project_id', '=', projectId).orderBy('phase').execute();
    },

    async get(projectId: string, phase: MetadataPhase): Promise<SyncStateRow | undefined> {
      return db.selectFrom('sync_states').selectAll().where('project_id', '=', projectId).where('phase', '=', phase).executeTakeFirst();
    },

    /**
     * Moves a phase's ETag and cursor forward and marks it successful. Call it in the same
     * transaction that stored the phase's rows, so a crash cannot advance one without the other.
     */
    async advance(projectId: string, phase: MetadataPhase, position: { etag: string | null; cursor: string | null }): Promise<void> {
      const now = new Date();
      await db
        .insertInto('sync_states')
        .values({ project_id: projectId, phase, etag: position.etag, cursor: position.cursor, last_success_at: now, last_error_code: null, last_error_at: null })
        .onConflict((oc) => oc.columns(['project_id', 'phase']).doUpdateSet({ etag: position.etag, cursor: position.cursor, last_success_at: now, last_error_code: null, last_error_at: null }))
        .execute();
    },

    /** Records why a phase failed, leaving its ETag and cursor where they were. */
    async recordFailure(projectId: string, phase: MetadataPhase, code: string): Promise<void> {
      const now = new Date();
      await db
        .insertInto('sync_states')
        .values({ project_id: projectId, phase, etag: null, cursor: null, last_success_at: null, last_error_code: code, last_error_at: now })
        .onConflict((oc) => oc.columns(['project_id', 'phase']).doUpdateSet({ last_error_code: code, last_error_at: now }))
        .execute();
    },
  };
}
