import { sql, type Insertable, type Selectable } from 'kysely';
import type { Db } from '../connection.js';
import type { IssuesTable, PullRequestsTable } from '../schema/index.js';

export type IssueRow = Selectable<IssuesTable>;
export type IssueInput = Omit<Insertable<IssuesTable>, 'project_id'>;
export type PullRequestRow = Selectable<PullRequestsTable>;
export type PullRequestInput = Omit<Insertable<PullRequestsTable>, 'project_id'>;

export interface IssueFilter {
  pullRequests: boolean;
  state?: 'open' | 'closed';
  label?: string;
  since?: Date;
  base?: string;
}

export interface IssueCounts {
  openIssues: number;
  closedIssues: number;
  openPullRequests: number;
  closedPullRequests: number;
  mergedPullRequests: number;
}

/** An issue row with its pull request's columns, null when it has none (yet). */
export type IssueWithPullRow = Awaited<ReturnType<ReturnType<typeof selectWithPull>['execute']>>[number];

function selectWithPull(db: Db, projectId: string) {
  return db
    .selectFrom('issues')
    .leftJoin('pull_requests', (join) => join.onRef('pull_requests.project_id', '=', 'issues.project_id').onRef('pull_requests.number', '=', 'issues.number'))
    .selectAll('issues')
    .select([
      'pull_requests.head_ref',
      'pull_requests.head_sha',
      'pull_requests.base_ref',
      'pull_requests.base_sha',
      'pull_requests.merged',
      'pull_requests.merged_at',
      'pull_requests.merge_commit_sha',
      'pull_requests.draft',
      'pull_requests.review_comment_count',
    ])
    .where('issues.project_id', '=', projectId);
}

export function issuesRepository(db: Db) {
  return {
    /**
     * Inserts or updates issues. A row is only replaced by one at least as recent (`updated_at`),
     * so a slow listing cannot undo what a webhook stored a moment earlier, and an item seen twice
     * stays one row.
     */
    async upsert(projectId: string, issues: IssueInput[]): Promise<number> {
      if (issues.length === 0) return 0;
      const result = await db
        .insertInto('issues')
        .values(issues.map((i) => ({ ...i, project_id: projectId })))
        .onConflict((oc) =>
          oc
            .columns(['project_id', 'number'])
            .doUpdateSet((eb) => ({
              github_id: eb.ref('excluded.github_id'),
              is_pull_request: eb.ref('excluded.is_pull_request'),
              state: eb.ref('excluded.state'),
              state_reason: eb.ref('excluded.state_reason'),
              title: eb.ref('excluded.title'),
              body: eb.ref('excluded.body'),
              labels: eb.ref('excluded.labels'),
              assignees: eb.ref('excluded.assignees'),
              milestone: eb.ref('excluded.milestone'),
              author_login: eb.ref('excluded.author_login'),
              comment_count: eb.ref('excluded.comment_count'),
              created_at: eb.ref('excluded.created_at'),
              updated_at: eb.ref('excluded.updated_at'),
              closed_at: eb.ref('excluded.closed_at'),
            }))
            .where(sql.ref('excluded.updated_at'), '>=', sql.ref('issues.updated_at')),
        )
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0);
    },

    /** The pull-request side of issues, with the same newest-wins rule. */
    async upsertPullRequests(projectId: string, pulls: PullRequestInput[]): Promise<number> {
      if (pulls.length === 0) return 0;
      const result = await db
        .insertInto('pull_requests')
        .values(pulls.map((p) => ({ ...p, project_id: projectId })))
        .onConflict((oc) =>
          oc
            .columns(['project_id', 'number'])
            .doUpdateSet((eb) => ({
              head_ref: eb.ref('excluded.head_ref'),
              head_sha: eb.ref('excluded.head_sha'),
              base_ref: eb.ref('excluded.base_ref'),
              base_sha: eb.ref('excluded.base_sha'),
              merged: eb.ref('excluded.merged'),
              merged_at: eb.ref('excluded.merged_at'),
              merge_commit_sha: eb.ref('excluded.merge_commit_sha'),
              draft: eb.ref('excluded.draft'),
              review_comment_count: eb.ref('excluded.review_comment_count'),
              updated_at: eb.ref('excluded.updated_at'),
            }))
            .where(sql.ref('excluded.updated_at'), '>=', sql.ref('pull_requests.updated_at')),
        )
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0);
    },

    /** GitHub deleted the issue: its comments go with it. */
    async remove(projectId: string, number: number): Promise<void> {
      await db.deleteFrom('issues').where('project_id', '=', projectId).where('number', '=', number).execute();
      await db.deleteFrom('comments').where('project_id', '=', projectId).where('issue_number', '=', number).execute();
    },

    find(projectId: string, number: number): Promise<IssueRow | undefined> {
      return db.selectFrom('issues').selectAll().where('project_id', '=', projectId).where('number', '=', number).executeTakeFirst();
    },

    findPullRequest(projectId: string, number: number): Promise<PullRequestRow | undefined> {
      return db.selectFrom('pull_requests').selectAll().where('project_id', '=', projectId).where('number', '=', number).executeTakeFirst();
    },

    /** One issue or pull request with its pull request's columns. */
    findWithPull(projectId: string, number: number): Promise<IssueWithPullRow | undefined> {
      return selectWithPull(db, projectId).where('issues.number', '=', number).executeTakeFirst();
    },

    /** Newest number first; `beforeNumber` is the last number of the previous page. */
    list(projectId: string, filter: IssueFilter, options: { beforeNumber?: number; limit: number }): Promise<IssueWithPullRow[]> {
      let query = selectWithPull(db, projectId).where('issues.is_pull_request', '=', filter.pullRequests);
      if (filter.state) query = query.where('issues.state', '=', filter.state);
      if (filter.since) query = query.where('issues.updated_at', '>=', filter.since);
      if (filter.label) query = query.where(sql<boolean>`issues.labels @> ${JSON.stringify([filter.label])}::jsonb`);
      if (filter.base) query = query.where('pull_requests.base_ref', '=', filter.base);
      if (options.beforeNumber !== undefined) query = query.where('issues.number', '<', options.beforeNumber);
      return query.orderBy('issues.number', 'desc').limit(options.limit).execute();
    },

    /** Open/closed issues and pull requests, derived from the stored rows. */
    async counts(projectId: string): Promise<IssueCounts> {
      const row = await db
        .selectFrom('issues')
        .leftJoin('pull_requests', (join) => join.onRef('pull_requests.project_id', '=', 'issues.project_id').onRef('pull_requests.number', '=', 'issues.number'))
        .where('issues.project_id', '=', projectId)
        .select([
          sql<number>`count(*) filter (where not is_pull_request and state = 'open')::int`.as('openIssues'),
          sql<number>`count(*) filter (where not is_pull_request and state = 'closed')::int`.as('closedIssues'),
          sql<number>`count(*) filter (where is_pull_request and state = 'open')::int`.as('openPullRequests'),
          sql<number>`count(*) filter (where is_pull_request and state = 'closed')::int`.as('closedPullRequests'),
          sql<number>`count(*) filter (where is_pull_request and pull_requests.merged)::int`.as('mergedPullRequests'),
        ])
        .executeTakeFirstOrThrow();
      return row;
    },
  };
}
