import type { Kysely } from 'kysely';

// What GitHub tells us about a project's repository beyond its commits: archived (read-only, so
// outbound commits cannot land), and why its webhook is not registered, when it is not.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('projects')
    .addColumn('archived', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('webhook_problem', 'text')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('projects').dropColumn('archived').dropColumn('webhook_problem').execute();
}
