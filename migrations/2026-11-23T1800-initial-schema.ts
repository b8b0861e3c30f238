import { sql, type Kysely } from 'kysely';

// Typed against Kysely<unknown>: a migration is history and must not change when today's types do.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('tenants')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('tenant_id', 'uuid', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('key_hash', 'text', (c) => c.notNull().unique())
    .addColumn('key_prefix', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_used_at', 'timestamptz')
    .addColumn('revoked_at', 'timestamptz')
    .execute();

  await db.schema
    .createTable('projects')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('tenant_id', 'uuid', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('repo', 'text', (c) => c.notNull())
    .addColumn('branch', 'text')
    .addColumn('default_branch', 'text')
    .addColumn('auth_kind', 'text', (c) => c.notNull().check(sql`auth_kind in ('token', 'app', 'none')`))
    .addColumn('installation_id', 'bigint')
    .addColumn('token_ciphertext', 'text')
    .addColumn('webhook_secret_ciphertext', 'text')
    .addColumn('webhook_id', 'bigint')
    .addColumn('sync_mode', 'text', (c) =>
      c.notNull().defaultTo('protected_pr').check(sql`sync_mode in ('direct_commit', 'protected_pr', 'hybrid')`),
    )
    .addColumn('filter', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('enabled', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('sync_status', 'text', (c) => c.notNull().defaultTo('idle'))
    .addColumn('sync_error_code', 'text')
    .addColumn('sync_error_message', 'text')
    .addColumn('sync_started_at', 'timestamptz')
    .addColumn('sync_completed_at', 'timestamptz')
    .addColumn('last_remote_sha', 'text')
    .addColumn('last_synced_sha', 'text')
    .addColumn('last_outbound_base_sha', 'text')
    .addColumn('current_snapshot_id', 'uuid')
    .addColumn('branch_etag', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // GitHub names are case-insensitive; one link per repository branch per tenant.
  await sql`create unique index projects_tenant_repository_branch
    on projects (tenant_id, lower(owner), lower(repo), coalesce(branch, ''))`.execute(db);
  await sql`create index projects_repository on projects (lower(owner), lower(repo))`.execute(db);

  await db.schema
    .createTable('snapshots')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('project_id', 'uuid', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('commit_sha', 'text', (c) => c.notNull())
    .addColumn('tree_sha', 'text')
    .addColumn('file_count', 'integer', (c) => c.notNull())
    .addColumn('total_bytes', 'bigint', (c) => c.notNull())
    // A snapshot is filled while a sync runs and only becomes current once complete.
    .addColumn('complete', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('snapshots_project_commit', ['project_id', 'commit_sha'])
    .execute();
  await db.schema
    .alterTable('projects')
    .addForeignKeyConstraint('projects_current_snapshot', ['current_snapshot_id'], 'snapshots', ['id'])
    .onDelete('set null')
    .execute();

  await db.schema
    .createTable('snapshot_files')
    .addColumn('snapshot_id', 'uuid', (c) => c.notNull().references('snapshots.id').onDelete('cascade'))
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('file', 'symlink', 'submodule')`))
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('sha', 'text', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('is_text', 'boolean', (c) => c.notNull())
    .addColumn('editable', 'boolean', (c) => c.notNull())
    .addColumn('lfs_pointer', 'boolean', (c) => c.notNull())
    .addColumn('skip_reason', 'text')
    .addColumn('warning', 'text')
    .addPrimaryKeyConstraint('snapshot_files_pk', ['snapshot_id', 'path'])
    .execute();

  await db.schema
    .createTable('blobs')
    .addColumn('sha', 'text', (c) => c.primaryKey())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('sync_operations')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('project_id', 'uuid', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('direction', 'text', (c) => c.notNull().check(sql`direction in ('inbound', 'outbound')`))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('workflow_id', 'text')
    .addColumn('run_id', 'text')
    .addColumn('before_sha', 'text')
    .addColumn('after_sha', 'text')
    .addColumn('files_added', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('files_modified', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('files_removed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('files_skipped', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('bytes', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('api_requests', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('error_code', 'text')
    .addColumn('error_message', 'text')
    .addColumn('started_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('completed_at', 'timestamptz')
    .addColumn('duration_ms', 'integer')
    .addColumn('metadata', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .execute();
  await db.schema
    .createIndex('sync_operations_project_started')
    .on('sync_operations')
    .columns(['project_id', 'started_at desc'])
    .execute();

  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('delivery_id', 'text', (c) => c.primaryKey())
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('project_id', 'uuid', (c) => c.references('projects.id').onDelete('set null'))
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('webhook_deliveries_received').on('webhook_deliveries').column('received_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['webhook_deliveries', 'sync_operations', 'blobs', 'snapshot_files']) {
    await db.schema.dropTable(table).execute();
  }
  await db.schema.alterTable('projects').dropConstraint('projects_current_snapshot').execute();
  for (const table of ['snapshots', 'projects', 'api_keys', 'tenants']) {
    await db.schema.dropTable(table).execute();
  }
}
