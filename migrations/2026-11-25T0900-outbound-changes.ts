import { sql, type Kysely } from 'kysely';

// The changes of an outbound operation, one row per path, recorded by the API before it starts
// OutboundSync: contents live in the blob store under their git blob SHA, so workflow payloads
// carry only the operation id. The flags are the snapshot row the path gets once committed.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('outbound_changes')
    .addColumn('operation_id', 'uuid', (c) => c.notNull().references('sync_operations.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    // null deletes the path.
    .addColumn('blob_sha', 'text')
    .addColumn('mode', 'text', (c) => c.check(sql`mode in ('100644', '100755', '120000')`))
    .addColumn('size', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('is_text', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('editable', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('lfs_pointer', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('skip_reason', 'text')
    .addColumn('warning', 'text')
    .addPrimaryKeyConstraint('outbound_changes_pk', ['operation_id', 'path'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('outbound_changes').execute();
}
