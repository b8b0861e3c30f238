import { sql, type Insertable, type Selectable } from 'kysely';
import type { Db } from '../connection.js';
import type { CommitsTable } from '../schema/index.js';

export type CommitRow = Selectable<CommitsTable>;
export type CommitInput = Omit<Insertable<CommitsTable>, 'project_id'>;

export interface CommitFilter {
  /** Only commits reachable from this sha (a ref's head), walking stored parents. */
  from?: string;
  since?: Date;
  until?: Date;
  /** Author login, name or email. */
  author?: string;
}

export function commitsRepository(db: Db) {
  return {
    /** Which of `shas` are already stored: the walk back through history stops at the first. */
    async known(projectId: string, shas: string[]): Promise<Set<string>> {
      if (shas.length === 0) return new Set();
      const rows = await db.selectFrom('commits').select('sha').where('project_id', '=', projectId).where('sha', 'in', shas).execute();
      return new Set(rows.map((r) => r.sha));
    },

    /** Stores commits; a commit is immutable, so one already stored is left as it is. */
    async insert(projectId: string, commits: CommitInput[]): Promise<number> {
      if (commits.length === 0) return 0;
      const result = await db
        .insertInto('commits')
        .values(commits.map((c) => ({ ...c, project_id: projectId })))
        .onConflict((oc) => oc.columns(['project_id', 'sha']).doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0);
    },

    /**
     * Newest first by commit date, then sha; `after` is the last row of the previous page. Commits
     * without a date (GitHub always gives one; the column allows none) come first, as the
     * descending index scan returns them.
     */
    list(projectId: string, filter: CommitFilter, options: { after?: { committedAt: Date | null; sha: string }; limit: number }): Promise<CommitRow[]> {
      let query = db.selectFrom('commits').selectAll().where('project_id', '=', projectId);
      if (filter.from) {
        const from = filter.from;
        // `union` (not `union all`) visits each commit once, however many merges lead to it.
        query = query.where(
          sql<boolean>`sha in (
            with recursive reachable(sha) as (
              select ${from}::text
              union
              select p.sha from reachable r
                join commits c on c.project_id = ${projectId} and c.sha = r.sha
                cross join lateral unnest(c.parents) as p(sha)
            )
            select sha from reachable)`,
        );
      }
      if (filter.since) query = query.where('committed_at', '>=', filter.since);
      if (filter.until) query = query.where('committed_at', '<=', filter.until);
      if (filter.author) {
        const author = filter.author.toLowerCase();
        query = query.where((eb) => eb.or([eb(eb.fn('lower', ['author_login']), '=', author), eb(eb.fn('lower', ['author_name']), '=', author), eb(eb.fn('lower', ['author_email']), '=', author)]));
      }
      const { after } = options;
      if (after?.committedAt === null) query = query.where((eb) => eb.or([eb('committed_at', 'is not', null), eb('sha', '>', after.sha)]));
      else if (after) {
        const { committedAt } = after;
        query = query.where((eb) => eb.or([eb('committed_at', '<', committedAt), eb.and([eb('committed_at', '=', committedAt), eb('sha', '>', after.sha)])]));
      }
      return query.orderBy('committed_at', 'desc').orderBy('sha').limit(options.limit).execute();
    },
  };
}
