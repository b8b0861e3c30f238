import type { Db } from '../connection.js';

/** The columns that hold sealed secrets (see src/crypto/secret-box.ts). */
export const SEALED_PROJECT_COLUMNS = ['token_ciphertext', 'webhook_secret_ciphertext'] as const;
export type SealedProjectColumn = (typeof SEALED_PROJECT_COLUMNS)[number];

export interface SealedSecretRow {
  projectId: string;
  column: SealedProjectColumn;
  sealed: string;
}

/** Reading and re-writing sealed secrets in place, for key rotation. */
export function sealedSecretsRepository(db: Db) {
  return {
    /** One page of projects' sealed secrets, in id order after `afterId`. */
    async page(afterId: string | undefined, limit: number): Promise<{ rows: SealedSecretRow[]; lastId: string | undefined }> {
      let query = db.selectFrom('projects').select(['id', ...SEALED_PROJECT_COLUMNS]).orderBy('id').limit(limit);
      if (afterId !== undefined) query = query.where('id', '>', afterId);
      const projects = await query.execute();
      const rows = projects.flatMap((project) =>
        SEALED_PROJECT_COLUMNS.flatMap((column) => (project[column] === null ? [] : [{ projectId: project.id, column, sealed: project[column] }])),
      );
      return { rows, lastId: projects.at(-1)?.id };
    },

    /**
     * Replaces one sealed value, only if it is still the one read: a secret changed meanwhile
     * (a re-link, a new webhook) is already sealed with the current key and stays as it is.
     */
    async replace(row: SealedSecretRow, resealed: string): Promise<boolean> {
      const result = await db
        .updateTable('projects')
        .set({ [row.column]: resealed })
        .where('id', '=', row.projectId)
        .where(row.column, '=', row.sealed)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
  };
}
