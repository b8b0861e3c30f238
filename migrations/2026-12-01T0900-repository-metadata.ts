import { sql, type ColumnDefinitionBuilder, type Kysely } from 'kysely';

// Everything around a project's files: refs, commits, issues (pull requests are issues too, with
// their own columns in pull_requests), comments, releases, and one sync state row per phase.
// Rows belong to a project, and through it to one tenant; deleting the project deletes them.
// GitHub's numeric ids are bigint: they passed 2^31 long ago.
export async function up(db: Kysely<unknown>): Promise<void> {
  const projectId = (c: ColumnDefinitionBuilder) => c.notNull().references('projects.id').onDelete('cascade');

  await db.schema
    .alterTable('projects')
    .addColumn('metadata', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .execute();

  await db.schema
    .createTable('refs')
    .addColumn('project_id', 'uuid', projectId)
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('branch', 'tag')`))
    .addColumn('sha', 'text', (c) => c.notNull())
    .addColumn('peeled_sha', 'text')
    .addColumn('protected', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('refs_pkey', ['project_id', 'kind', 'name'])
    .execute();

  await db.schema
    .createTable('commits')
    .addColumn('project_id', 'uuid', projectId)
    .addColumn('sha', 'text', (c) => c.notNull())
    .addColumn('author_name', 'text')
    .addColumn('author_email', 'text')
    .addColumn('author_login', 'text')
    .addColumn('authored_at', 'timestamptz')
    .addColumn('committer_name', 'text')
    .addColumn('committer_email', 'text')
    .addColumn('committed_at', 'timestamptz')
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('parents', sql`text[]`, (c) => c.notNull())
    .addPrimaryKeyConstraint('commits_pkey', ['project_id', 'sha'])
    .execute();
  await db.schema.createIndex('commits_project_committed_at').on('commits').columns(['project_id', 'committed_at']).execute();

  await db.schema
    .createTable('issues')
    .addColumn('project_id', 'uuid', projectId)
    .addColumn('number', 'integer', (c) => c.notNull())
    .addColumn('github_id', 'bigint', (c) => c.notNull())
    .addColumn('is_pull_request', 'boolean', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('open', 'closed')`))
    .addColumn('state_reason', 'text')
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text')
    .addColumn('labels', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('assignees', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('milestone', 'text')
    .addColumn('author_login', 'text')
    .addColumn('comment_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addColumn('closed_at', 'timestamptz')
    .addPrimaryKeyConstraint('issues_pkey', ['project_id', 'number'])
    .execute();
  await db.schema.createIndex('issues_project_updated_at').on('issues').columns(['project_id', 'updated_at']).execute();

  await db.schema
    .createTable('pull_requests')
    .addColumn('project_id', 'uuid', projectId)
    .addColumn('number', 'integer', (c) => c.notNull())
    .addColumn('head_ref', 'text', (c) => c.notNull())
    .addColumn('head_sha', 'text', (c) => c.notNull())
    .addColumn('base_ref', 'text', (c) => c.notNull())
    .addColumn('base_sha', 'text', (c) => c.notNull())
    .addColumn('merged', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('merged_at', 'timestamptz')
    .addColumn('merge_commit_sha', 'text')
    .addColumn('draft', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('review_comment_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('pull_requests_pkey', ['project_id', 'number'])
    .execute();

  await db.schema
    .createTable('comments')
    .addColumn('project_id', 'uuid', projectId)
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('issue', 'review')`))
    .addColumn('github_id', 'bigint', (c) => c.notNull())
    .addColumn('issue_number', 'integer', (c) => c.notNull())
    .addColumn('author_login', 'text')
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('path', 'text')
    .addColumn('line', 'integer')
    .addColumn('commit_sha', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('comments_pkey', ['project_id', 'kind', 'github_id'])
    .execute();
  await db.schema.createIndex('comments_project_issue').on('comments').columns(['project_id', 'issue_number']).execute();

  await db.schema
    .createTable('releases')
    .addColumn('project_id', 'uuid', projectId)
    .addColumn('github_id', 'bigint', (c) => c.notNull())
    .addColumn('tag_name', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('body', 'text')
    .addColumn('draft', 'boolean', (c) => c.notNull())
    .addColumn('prerelease', 'boolean', (c) => c.notNull())
    .addColumn('author_login', 'text')
    .addColumn('assets', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('published_at', 'timestamptz')
    .addPrimaryKeyConstraint('releases_pkey', ['project_id', 'github_id'])
    .execute();

  await db.schema
    .createTable('sync_states')
    .addColumn('project_id', 'uuid', projectId)
    .addColumn('phase', 'text', (c) => c.notNull())
    .addColumn('etag', 'text')
    .addColumn('cursor', 'text')
    .addColumn('last_success_at', 'timestamptz')
    .addColumn('last_error_code', 'text')
    .addColumn('last_error_at', 'timestamptz')
    .addPrimaryKeyConstraint('sync_states_pkey', ['project_id', 'phase'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['sync_states', 'releases', 'comments', 'pull_requests', 'issues', 'commits', 'refs']) await db.schema.dropTable(table).execute();
  await db.schema.alterTable('projects').dropColumn('metadata').execute();
}
