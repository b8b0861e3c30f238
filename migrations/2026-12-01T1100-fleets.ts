import { sql, type Kysely } from 'kysely';

// A fleet links every repository of a GitHub App installation or an organisation, as projects
// of one tenant. One fleet per installation or organisation per tenant: linking twice adopts the
// fleet (and its projects) instead of doubling them. Projects keep working on their own when
// their fleet is removed (fleet_id goes null).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('fleets')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('tenant_id', 'uuid', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('installation_id', 'bigint')
    .addColumn('org', 'text')
    .addColumn('token_ciphertext', 'text')
    .addColumn('include', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('exclude', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('forks', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('archived', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('project_defaults', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('max_concurrent_imports', 'integer', (c) => c.notNull().defaultTo(4))
    .addColumn('on_repository_removed', 'text', (c) => c.notNull().defaultTo('keep').check(sql`on_repository_removed in ('keep', 'remove')`))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('listing'))
    .addColumn('status_reason', 'text')
    .addColumn('repositories_listed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('listed_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('fleets_one_source', sql`(installation_id is null) <> (org is null)`)
    .addCheckConstraint('fleets_org_token', sql`org is null or token_ciphertext is not null`)
    .execute();
  await db.schema.createIndex('fleets_tenant_installation').on('fleets').columns(['tenant_id', 'installation_id']).unique().where(sql.ref('installation_id'), 'is not', null).execute();
  await db.schema.createIndex('fleets_tenant_org').on('fleets').expression(sql`tenant_id, lower(org)`).unique().where(sql.ref('org'), 'is not', null).execute();
  await db.schema.alterTable('projects').addColumn('fleet_id', 'uuid', (c) => c.references('fleets.id').onDelete('set null')).execute();
  await db.schema.createIndex('projects_fleet').on('projects').columns(['fleet_id', 'id']).where(sql.ref('fleet_id'), 'is not', null).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('projects').dropColumn('fleet_id').execute();
  await db.schema.dropTable('fleets').execute();
}
