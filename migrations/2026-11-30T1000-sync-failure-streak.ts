import type { Kysely } from 'kysely';

// How many inbound syncs in a row have failed since the last success: the poll spaces its
// retries of a failing project by it (exponential backoff), and a success resets it to 0.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('projects')
    .addColumn('sync_failures', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('projects').dropColumn('sync_failures').execute();
}
