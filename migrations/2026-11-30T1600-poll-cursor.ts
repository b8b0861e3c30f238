import { sql, type Kysely } from 'kysely';

// The poll spreads every project over its interval by a stable hash of the project's id (28 bits
// of its MD5, so it fits an integer): each project gets the same place in every round, the load is
// even whatever order projects were created in, and the index walks them in that order.
// `poll_cursors` keeps each poll's place in its round, so a poll that stops (deploy, timeout,
// termination) resumes where it was instead of from the first project.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table projects add column poll_slot integer not null
    generated always as ((('x' || substr(md5(id::text), 1, 7))::bit(28))::integer) stored`.execute(db);
  await sql`create index projects_poll_order on projects (poll_slot, id) where enabled and current_snapshot_id is not null`.execute(db);
  await db.schema
    .createTable('poll_cursors')
    .addColumn('task_queue', 'text', (c) => c.primaryKey())
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('interval_ms', 'integer', (c) => c.notNull())
    .addColumn('round_started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('after_slot', 'integer')
    .addColumn('after_id', 'uuid')
    .addColumn('next_due_at', 'timestamptz', (c) => c.notNull())
    .addColumn('round_checked', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rounds_completed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('overruns', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_overrun_ms', 'integer')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('poll_cursors').execute();
  await sql`drop index projects_poll_order`.execute(db);
  await db.schema.alterTable('projects').dropColumn('poll_slot').execute();
}
