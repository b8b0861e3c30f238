import type { Kysely } from 'kysely';

// Where a running sync's progress (files and bytes done, the current path) is kept while it runs:
// written by the activity doing the work, about once a second, and read by the status API.
// Progress reported to the workflow instead would grow its history without bound.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('sync_operations').addColumn('progress', 'jsonb').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('sync_operations').dropColumn('progress').execute();
}
