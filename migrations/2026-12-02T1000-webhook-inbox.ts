import { sql, type Kysely } from 'kysely';

// webhook_deliveries becomes the inbox the webhook route acknowledges into with one INSERT: the
// payload and the projects whose own secret verified it wait there, in arrival order (`seq`),
// until the applier applies them and stamps `processed_at` in the same transaction as their effect.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('webhook_deliveries')
    .addColumn('seq', 'bigserial', (c) => c.notNull())
    .addColumn('payload', 'text')
    .addColumn('verified_project_ids', sql`uuid[]`)
    .addColumn('processed_at', 'timestamptz')
    .execute();
  // Deliveries recorded before the inbox existed were applied while they were answered.
  await sql`update webhook_deliveries set processed_at = received_at`.execute(db);
  await db.schema.createIndex('webhook_deliveries_pending').on('webhook_deliveries').column('seq').where(sql.ref('processed_at'), 'is', null).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('webhook_deliveries_pending').execute();
  await db.schema.alterTable('webhook_deliveries').dropColumn('seq').dropColumn('payload').dropColumn('verified_project_ids').dropColumn('processed_at').execute();
}
