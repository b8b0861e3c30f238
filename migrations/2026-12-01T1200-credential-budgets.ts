import { sql, type Kysely } from 'kysely';

// One row per GitHub credential (an App installation, or a token known only by its hash): the
// primary rate limit as GitHub's last answers reported it, and the requests in flight across
// every process, so all workers spend one budget instead of each guessing its own.
//
// `leases` maps a request's id to the epoch millisecond its lease lapses: a process that dies
// mid-request holds its slot only until then, never for good. `last_write_at` spaces writes.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('credential_budgets')
    .addColumn('credential_key', 'text', (c) => c.primaryKey())
    .addColumn('quota', 'integer')
    .addColumn('remaining', 'integer')
    .addColumn('used', 'integer')
    .addColumn('reset_at', 'timestamptz')
    .addColumn('blocked_until', 'timestamptz')
    .addColumn('leases', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('last_write_at', 'timestamptz')
    .addColumn('waits', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // The leases of a map that have not lapsed at `now_ms`.
  await sql`
    create function credential_live_leases(leases jsonb, now_ms bigint) returns jsonb
    language sql immutable as $$
      select coalesce(jsonb_object_agg(key, value), '{}'::jsonb) from jsonb_each(leases) where (value)::bigint > now_ms
    $$`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('credential_budgets').execute();
  await sql`drop function credential_live_leases(jsonb, bigint)`.execute(db);
}
