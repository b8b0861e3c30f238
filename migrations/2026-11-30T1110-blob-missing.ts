import type { Kysely } from 'kysely';

// When a blob indexed as stored turned out to be absent from the store: a read or a verify found
// it gone. Imports no longer trust such an index row, and storing the blob again clears it.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('blobs').addColumn('missing_since', 'timestamptz').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('blobs').dropColumn('missing_since').execute();
}
