import { sql, type Kysely } from 'kysely';

// Pushes a webhook acknowledged but whose project writer has not been signalled yet: the
// webhook answers after one UPDATE, and a dispatcher signals each project once per batch.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('projects')
    .addColumn('sync_requests', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('projects_sync_requests_idx').on('projects').column('id').where(sql.ref('sync_requests'), '>', 0).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('projects_sync_requests_idx').execute();
  await db.schema.alterTable('projects').dropColumn('sync_requests').execute();
}
