import type { Kysely } from 'kysely';

// When the poll last started the project's metadata sync: it starts one again only an interval
// later, whatever that sync found (a repository that answers 304 stores nothing of its own).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('projects').addColumn('metadata_requested_at', 'timestamptz').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('projects').dropColumn('metadata_requested_at').execute();
}
