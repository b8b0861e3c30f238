import { sql, type Insertable, type Selectable } from 'kysely';
import type { Db } from '../connection.js';
import type { CommentKind, CommentsTable } from '../schema/index.js';

export type CommentRow = Selectable<CommentsTable>;
export type CommentInput = Omit<Insertable<CommentsTable>, 'project_id'>;

export function commentsRepository(db: Db) {
  return {
    /** Inserts or updates comments by GitHub id; an older copy never replaces a newer one. */
    async upsert(projectId: string, comments: CommentInput[]): Promise<number> {
      if (comments.length === 0) return 0;
      const result = await db
        .insertInto('comments')
        .values(comments.map((c) => ({ ...c, project_id: projectId })))
        .onConflict((oc) =>
          oc
            .columns(['project_id', 'kind', 'github_id'])
            .doUpdateSet((eb) => ({
              issue_number: eb.ref('excluded.issue_number'),
              author_login: eb.ref('excluded.author_login'),
              body: eb.ref('excluded.body'),
              path: eb.ref('excluded.path'),
              line: eb.ref('excluded.line'),
              commit_sha: eb.ref('excluded.commit_sha'),
              updated_at: eb.ref('excluded.updated_at'),
            }))
            .where(sql.ref('excluded.updated_at'), '>=', sql.ref('comments.updated_at')),
        )
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0);
    },

    /** GitHub said the comment was deleted. */
    async remove(projectId: string, kind: CommentKind, githubId: number): Promise<void> {
      await db.deleteFrom('comments').where('project_id', '=', projectId).where('kind', '=', kind).where('github_id', '=', githubId).execute();
    },

    /** An issue's (or pull request's) comments of one kind, oldest first. */
    forIssue(projectId: string, kind: CommentKind, issueNumber: number): Promise<CommentRow[]> {
      return db
        .selectFrom('comments')
        .selectAll()
        .where('project_id', '=', projectId)
        .where('kind', '=', kind)
        .where('issue_number', '=', issueNumber)
        .orderBy('created_at')
        .orderBy('github_id')
        .execute();
    },
  };
}
