import type { Insertable, Selectable } from 'kysely';
import type { Db } from '../connection.js';
import type { RefKind, RefsTable } from '../schema/index.js';

export type RefRow = Selectable<RefsTable>;
export type RefInput = Omit<Insertable<RefsTable>, 'project_id' | 'updated_at'>;

export function refsRepository(db: Db) {
  return {
    /** Inserts or moves refs, as a webhook or one page of a listing reports them. */
    async upsert(projectId: string, refs: RefInput[]): Promise<void> {
      if (refs.length === 0) return;
      await db
        .insertInto('refs')
        .values(refs.map((r) => ({ ...r, project_id: projectId })))
        .onConflict((oc) =>
          oc.columns(['project_id', 'kind', 'name']).doUpdateSet((eb) => ({
            sha: eb.ref('excluded.sha'),
            peeled_sha: eb.ref('excluded.peeled_sha'),
            protected: eb.ref('excluded.protected'),
            updated_at: new Date(),
          })),
        )
        .execute();
    },

    /**
     * Deletes the refs of `kind` a complete, successful listing no longer names. Only a whole
     * listing proves a ref gone; a failed or partial one must never reach this.
     */
    async removeUnlisted(projectId: string, kind: RefKind, listed: string[]): Promise<number> {
      let query = db.deleteFrom('refs').where('project_id', '=', projectId).where('kind', '=', kind);
      if (listed.length > 0) query = query.where('name', 'not in', listed);
      const result = await query.executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    /**
     * Moves a branch from `before` to `after` only if it is still at `before`; with `before` null
     * (a created branch), stores it only if no branch of that name is stored. True when the branch
     * ends at `after`, false when the stored ref says something else happened meanwhile.
     */
    async moveBranch(projectId: string, name: string, before: string | null, after: string): Promise<boolean> {
      const moved =
        before === null
          ? await db
              .insertInto('refs')
              .values({ project_id: projectId, kind: 'branch', name, sha: after, peeled_sha: null, protected: false })
              .onConflict((oc) => oc.columns(['project_id', 'kind', 'name']).doNothing())
              .executeTakeFirst()
              .then((result) => Number(result.numInsertedOrUpdatedRows ?? 0n) > 0)
          : await db
              .updateTable('refs')
              .set({ sha: after, updated_at: new Date() })
              .where('project_id', '=', projectId)
              .where('kind', '=', 'branch')
              .where('name', '=', name)
              .where('sha', '=', before)
              .executeTakeFirst()
              .then((result) => result.numUpdatedRows > 0n);
      if (moved) return true;
      const stored = await db.selectFrom('refs').select('sha').where('project_id', '=', projectId).where('kind', '=', 'branch').where('name', '=', name).executeTakeFirst();
      return stored?.sha === after;
    },

    async remove(projectId: string, kind: RefKind, name: string): Promise<void> {
      await db.deleteFrom('refs').where('project_id', '=', projectId).where('kind', '=', kind).where('name', '=', name).execute();
    },

    /**
     * The commit a ref name stands for. A tag wins over a branch of the same name, as git resolves
     * a bare name (refs/tags before refs/heads); an annotated tag stands for the commit it points at.
     */
    async resolve(projectId: string, name: string): Promise<string | undefined> {
      const rows = await db.selectFrom('refs').select(['kind', 'sha', 'peeled_sha']).where('project_id', '=', projectId).where('name', '=', name).execute();
      const ref = rows.find((r) => r.kind === 'tag') ?? rows[0];
      return ref ? (ref.peeled_sha ?? ref.sha) : undefined;
    },

    /** The distinct commits the project's branches and tags stand for (an annotated tag: the commit it points at). */
    async commitTips(projectId: string): Promise<string[]> {
      const rows = await db.selectFrom('refs').select(['sha', 'peeled_sha']).where('project_id', '=', projectId).execute();
      return [...new Set(rows.map((r) => r.peeled_sha ?? r.sha))];
    },

    /** Refs in name order after `after` (a `kind:name` cursor). */
    list(projectId: string, options: { after?: { kind: RefKind; name: string }; limit: number }): Promise<RefRow[]> {
      let query = db.selectFrom('refs').selectAll().where('project_id', '=', projectId);
      const { after } = options;
      if (after) query = query.where((eb) => eb.or([eb('kind', '>', after.kind), eb.and([eb('kind', '=', after.kind), eb('name', '>', after.name)])]));
      return query.orderBy('kind').orderBy('name').limit(options.limit).execute();
    },
  };
}
