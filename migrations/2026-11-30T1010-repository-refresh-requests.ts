import { sql, type Kysely } from 'kysely';

// Repository or branch state events (archived, renamed, default branch changed, branch created
// or deleted) a webhook acknowledged but whose repository has not been re-read from GitHub yet:
// the event only asks for a re-read, and what GitHub answers then is applied.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('projects')
    .addColumn('repository_refresh_requests', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('projects_repository_refresh_requests_idx').on('projects').column('id').where(sql.ref('repository_refresh_requests'), '>', 0).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('projects_repository_refresh_requests_idx').execute();
  await db.schema.alterTable('projects').dropColumn('repository_refresh_requests').execute();
}
