import { sql, type Kysely } from 'kysely';

// Child jobs (an import, a verify) the API has handed to a project's writer and the writer has
// not finished: one row per child workflow id, so a second request for the same job learns at
// once, from the primary key, that it joins the one already queued or running.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('writer_jobs')
    .addColumn('workflow_id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'uuid', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('requested_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('writer_jobs').execute();
}
