import type { Insertable, Selectable } from 'kysely';
import type { Db } from '../connection.js';
import type { ReleasesTable } from '../schema/index.js';

export type ReleaseRow = Selectable<ReleasesTable>;
export type ReleaseInput = Omit<Insertable<ReleasesTable>, 'project_id'>;

export function releasesRepository(db: Db) {
  return {
    async upsert(projectId: string, releases: ReleaseInput[]): Promise<void> {
      if (releases.length === 0) return;
      await db
        .insertInto('releases')
        .values(releases.map((r) => ({ ...r, project_id: projectId })))
        .onConflict((oc) =>
          oc.columns(['project_id', 'github_id']).doUpdateSet((eb) => ({
            tag_name: eb.ref('excluded.tag_name'),
            name: eb.ref('excluded.name'),
            body: eb.ref('excluded.body'),
            draft: eb.ref('excluded.draft'),
            prerelease: eb.ref('excluded.prerelease'),
            author_login: eb.ref('excluded.author_login'),
            assets: eb.ref('excluded.assets'),
            published_at: eb.ref('excluded.published_at'),
          })),
        )
        .execute();
    },

    /** Deletes the releases a complete listing no longer names. */
    async removeUnlisted(projectId: string, listed: number[]): Promise<void> {
      let query = db.deleteFrom('releases').where('project_id', '=', projectId);
      if (listed.length > 0) query = query.where('github_id', 'not in', listed);
      await query.execute();
    },

    async remove(projectId: string, githubId: number): Promise<void> {
      await db.deleteFrom('releases').where('project_id', '=', projectId).where('github_id', '=', githubId).execute();
    },

    /** Newest first; `beforeId` is the last id of the previous page. */
    list(projectId: string, options: { beforeId?: number; limit: number }): Promise<ReleaseRow[]> {
      let query = db.selectFrom('releases').selectAll().where('project_id', '=', projectId);
      if (options.beforeId !== undefined) query = query.where('github_id', '<', options.beforeId);
      return query.orderBy('github_id', 'desc').limit(options.limit).execute();
    },
  };
}
