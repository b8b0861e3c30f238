import { sql, type Kysely } from 'kysely';

// A snapshot records the file filter it was built with, so a commit imported again under another
// filter gets a snapshot of its own instead of reusing rows whose skip decisions no longer hold.
// Snapshots from before get '' — no filter's key — so the next sync re-applies the project's filter.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('snapshots')
    .addColumn('filter_key', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  await db.schema.alterTable('snapshots').dropConstraint('snapshots_project_commit').execute();
  await db.schema.alterTable('snapshots').addUniqueConstraint('snapshots_project_commit_filter', ['project_id', 'commit_sha', 'filter_key']).execute();
  await sql`create index snapshots_project_commit on snapshots (project_id, commit_sha)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index snapshots_project_commit`.execute(db);
  await db.schema.alterTable('snapshots').dropConstraint('snapshots_project_commit_filter').execute();
  // Keeps the newest snapshot of each commit, as the old one-per-commit constraint requires.
  await sql`delete from snapshots s using snapshots newer
            where s.project_id = newer.project_id and s.commit_sha = newer.commit_sha and s.created_at < newer.created_at
              and not exists (select 1 from projects p where p.current_snapshot_id = s.id)`.execute(db);
  await db.schema.alterTable('snapshots').addUniqueConstraint('snapshots_project_commit', ['project_id', 'commit_sha']).execute();
  await db.schema.alterTable('snapshots').dropColumn('filter_key').execute();
}
