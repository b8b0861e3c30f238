import { Context } from '@temporalio/activity';
import { projectsRepository, type Project } from '../db/repositories/projects.js';
import { followProject } from '../temporal/project-writer.js';
import type { PollPageInput, PollPageResult } from '../shared/poll-projects.js';
import type { ActivityDeps } from './deps.js';

/** What one project's conditional request found. */
type HeadCheck = 'not-modified' | 'unchanged' | 'moved' | 'failed';

/**
 * The polling failsafe's work, a page of projects at a time: one conditional request per
 * project for its branch head (a 304 costs no rate limit), a push signal to the project's writer
 * where the head moved. A failing project is logged and counted, never fails the whole poll.
 */
export function createPollActivities(deps: ActivityDeps) {
  const { db, github, log } = deps;
  const projects = projectsRepository(db);

  async function checkHead(project: Project, writer: PollPageInput['writer']): Promise<HeadCheck> {
    const branch = project.branch ?? project.default_branch;
    if (!branch) return 'failed';
    try {
      const client = await github(project);
      const response = await client.octokit.rest.repos
        .getBranch({ owner: project.owner, repo: project.repo, branch, headers: project.branch_etag ? { 'if-none-match': project.branch_etag } : {} })
        .catch((error: unknown) => {
          if ((error as { status?: number }).status === 304) return undefined;
          throw error;
        });
      if (!response) return 'not-modified';
      const head = response.data.commit.sha;
      await db
        .updateTable('projects')
        .set({ branch_etag: response.headers.etag ?? null, last_remote_sha: head })
        .where('id', '=', project.id)
        .execute();
      if (head === project.last_synced_sha) return 'unchanged';
      if (!deps.temporal) throw new Error('the poll needs a Temporal client to signal project writers');
      await followProject(deps.temporal, writer, project.id, { sha: head, source: 'poll' });
      log.info('poll found a moved head', { projectId: project.id, head: head.slice(0, 7) });
      return 'moved';
    } catch (error) {
      log.warn('poll of a project failed', { projectId: project.id, error: (error as Error).message });
      return 'failed';
    }
  }

  return {
    async pollPage(input: PollPageInput): Promise<PollPageResult> {
      const page = await projects.listPollable({ after: input.after, limit: input.limit });
      const result: PollPageResult = { next: page.length === input.limit ? page.at(-1)!.id : null, checked: 0, notModified: 0, unchanged: 0, moved: 0, failed: 0 };
      const counts: Record<HeadCheck, keyof PollPageResult> = { 'not-modified': 'notModified', unchanged: 'unchanged', moved: 'moved', failed: 'failed' };
      // A fixed number of requests in flight, each project started after a random share of the
      // spread, so a thousand projects never reach GitHub in one burst.
      let cursor = 0;
      const worker = async () => {
        while (cursor < page.length) {
          const project = page[cursor++]!;
          if (input.spreadMs > 0) await new Promise((resolve) => setTimeout(resolve, Math.random() * (input.spreadMs / page.length) * input.concurrency));
          const outcome = await checkHead(project, input.writer);
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
