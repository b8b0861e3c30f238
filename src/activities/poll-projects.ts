import { Context } from '@temporalio/activity';
import { projectsRepository, type Project } from '../db/repositories/projects.js';
import { followProject } from '../temporal/project-writer.js';
import type { PollPageInput, PollPageResult } from '../shared/poll-projects.js';
import { needsSyncRetry, type RetryBackoff } from '../sync/poll-retry.js';
import type { ActivityDeps } from './deps.js';

/** What one project's conditional request found, and what the poll did about it. */
type HeadCheck = 'not-modified' | 'unchanged' | 'moved' | 'retried' | 'failed';

/** Retries of a failing project are at least a poll interval apart, and at most this far. */
const MAX_RETRY_DELAY_MS = 6 * 60 * 60 * 1000;
/** The poll interval Schedules created before the backoff was configurable ran at. */
const DEFAULT_RETRY_BASE_MS = 5 * 60 * 1000;

/**
 * The polling failsafe's work, a page of projects at a time: one conditional request per
 * project for its branch head (a 304 costs no rate limit), a push signal to the project's writer
 * where the head moved, or where the project is behind the head it knows or its last sync failed
 * (with backoff, see needsSyncRetry). What the request found (ETag, head) is stored only after
 * the signal went out, so a signal that fails is retried by the next poll. A failing project is
 * logged and counted, never fails the whole poll.
 */
export function createPollActivities(deps: ActivityDeps) {
  const { db, github, log } = deps;
  const projects = projectsRepository(db);

  async function checkHead(project: Project, input: PollPageInput): Promise<HeadCheck> {
    const branch = project.branch ?? project.default_branch;
    if (!branch) return 'failed';
    const backoff: RetryBackoff = { baseMs: input.retryBaseMs ?? DEFAULT_RETRY_BASE_MS, maxMs: MAX_RETRY_DELAY_MS };
    try {
      const client = await github(project);
      const response = await client.octokit.rest.repos
        .getBranch({ owner: project.owner, repo: project.repo, branch, headers: project.branch_etag ? { 'if-none-match': project.branch_etag } : {} })
        .catch((error: unknown) => {
          if ((error as { status?: number }).status === 304) return undefined;
          throw error;
        });
      const head = response ? response.data.commit.sha : project.last_remote_sha;
      const moved = response !== undefined && head !== project.last_remote_sha && head !== project.last_synced_sha;
      const retry = !moved && needsSyncRetry(project, head, new Date(), backoff);
      if (moved || retry) {
        if (!deps.temporal) throw new Error('the poll needs a Temporal client to signal project writers');
        await followProject(deps.temporal, input.writer, project, { ...(head ? { sha: head } : {}), source: 'poll' });
        log.info(moved ? 'poll found a moved head' : 'poll retries a project behind its head or failed', { projectId: project.id, head: head?.slice(0, 7), failures: project.sync_failures });
      }
      if (response) {
        await db
          .updateTable('projects')
          .set({ branch_etag: response.headers.etag ?? null, last_remote_sha: response.data.commit.sha })
          .where('id', '=', project.id)
          .execute();
      }
      if (moved) return 'moved';
      if (retry) return 'retried';
      return response ? 'unchanged' : 'not-modified';
    } catch (error) {
      log.warn('poll of a project failed', { projectId: project.id, error: (error as Error).message });
      return 'failed';
    }
  }

  return {
    async pollPage(input: PollPageInput): Promise<PollPageResult> {
      const page = await projects.listPollable({ after: input.after, limit: input.limit });
      const result: PollPageResult = { next: page.length === input.limit ? page.at(-1)!.id : null, checked: 0, notModified: 0, unchanged: 0, moved: 0, retried: 0, failed: 0 };
      const counts: Record<HeadCheck, keyof PollPageResult> = { 'not-modified': 'notModified', unchanged: 'unchanged', moved: 'moved', retried: 'retried', failed: 'failed' };
      // A fixed number of requests in flight, each project started after a random share of the
      // spread, so a thousand projects never reach GitHub in one burst.
      let cursor = 0;
      const worker = async () => {
        while (cursor < page.length) {
          const project = page[cursor++]!;
          if (input.spreadMs > 0) await new Promise((resolve) => setTimeout(resolve, Math.random() * (input.spreadMs / page.length) * input.concurrency));
          const outcome = await checkHead(project, input);
          (result[counts[outcome]] as number) += 1;
          result.checked += 1;
          Context.current().heartbeat(result.checked);
        }
      };
      await Promise.all(Array.from({ length: Math.min(input.concurrency, page.length) }, worker));
      return result;
    },
  };
}
