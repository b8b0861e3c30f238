import { sql } from 'kysely';
import type { Db } from '../connection.js';
import type { MetadataSettings, SyncStatus } from '../schema/index.js';

/** The parts of a project a dashboard can be told have changed: each part of the metadata, and the sync state. */
export type MetadataKind = keyof MetadataSettings;
export type ChangeKind = MetadataKind | 'sync';
export const CHANGE_KINDS: readonly ChangeKind[] = ['refs', 'commits', 'issues', 'pullRequests', 'comments', 'releases', 'sync'];

export interface ChangeMarks {
  /** Stored rows of each part of the metadata. */
  counts: Record<MetadataKind, number>;
  syncStatus: SyncStatus;
  /** One opaque value per kind that differs whenever that kind's rows or state changed. */
  marks: Record<ChangeKind, string>;
}

interface MarksRow {
  sync_status: SyncStatus;
  sync_mark: string;
  refs_count: number;
  refs_mark: string;
  commits_count: number;
  commits_mark: string;
  issues_count: number;
  issues_mark: string;
  pulls_count: number;
  pulls_mark: string;
  comments_count: number;
  comments_mark: string;
  releases_count: number;
  releases_mark: string;
}

/**
 * Change marks for a project's event stream, read in one statement so a stream polling every
 * second costs one round trip. A kind's mark is its row count (a delete lowers it) with its latest
 * change time: rows are only ever replaced by newer ones (`updated_at`), refs stamp the time they
 * moved, and commits never change. Releases carry no change time of their own, so theirs is a hash
 * of their rows; a project has few releases, where issues and commits can be many thousands and are
 * read from the `(project_id, updated_at)` and `(project_id, committed_at)` indexes.
 */
export function changeMarksRepository(db: Db) {
  return {
    /** Undefined once the project is gone. */
    async forProject(projectId: string): Promise<ChangeMarks | undefined> {
      const { rows } = await sql<MarksRow>`
        select p.sync_status,
               concat_ws('|', p.sync_status, p.sync_error_code, p.sync_started_at, p.sync_completed_at, p.last_synced_sha) as sync_mark,
               r.n as refs_count, concat_ws('|', r.n, r.latest) as refs_mark,
               c.n as commits_count, concat_ws('|', c.n, c.latest) as commits_mark,
               i.issues as issues_count, concat_ws('|', i.issues, i.issues_latest) as issues_mark,
               i.pulls as pulls_count, concat_ws('|', i.pulls, i.pulls_latest, pr.n, pr.latest) as pulls_mark,
               cm.n as comments_count, concat_ws('|', cm.n, cm.latest) as comments_mark,
               rl.n as releases_count, concat_ws('|', rl.n, rl.hash) as releases_mark
        from projects p,
          lateral (select count(*)::int as n, max(updated_at) as latest from refs where project_id = p.id) r,
          lateral (select count(*)::int as n, max(committed_at) as latest from commits where project_id = p.id) c,
          lateral (
            select count(*) filter (where not is_pull_request)::int as issues,
                   max(updated_at) filter (where not is_pull_request) as issues_latest,
                   count(*) filter (where is_pull_request)::int as pulls,
                   max(updated_at) filter (where is_pull_request) as pulls_latest
            from issues where project_id = p.id
          ) i,
          lateral (select count(*)::int as n, max(updated_at) as latest from pull_requests where project_id = p.id) pr,
          lateral (select count(*)::int as n, max(updated_at) as latest from comments where project_id = p.id) cm,
          lateral (select count(*)::int as n, sum(hashtext(rel::text)) as hash from releases rel where project_id = p.id) rl
        where p.id = ${projectId}
      `.execute(db);
      const row = rows[0];
      if (!row) return undefined;
      return {
        counts: {
          refs: row.refs_count,
          commits: row.commits_count,
          issues: row.issues_count,
          pullRequests: row.pulls_count,
          comments: row.comments_count,
          releases: row.releases_count,
        },
        syncStatus: row.sync_status,
        marks: {
          refs: row.refs_mark,
          commits: row.commits_mark,
          issues: row.issues_mark,
          pullRequests: row.pulls_mark,
          comments: row.comments_mark,
          releases: row.releases_mark,
          sync: row.sync_mark,
        },
      };
    },
  };
}
