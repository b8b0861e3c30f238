import { projectsRepository, type Project } from '../db/repositories/projects.js';
import type { GitHubClients, ProjectGitHub } from '../github/project-client.js';
import { followProject } from '../temporal/project-writer.js';
import { needsSyncRetry, type RetryBackoff } from '../sync/poll-retry.js';
import type { PollCounts } from '../shared/poll-projects.js';
import type { ActivityDeps } from './deps.js';

/** What one project's conditional request found, and what the poll did about it. */
export type HeadCheck = 'not-modified' | 'unchanged' | 'moved' | 'retried' | 'failed';

export const COUNT_OF: Record<HeadCheck, Exclude<keyof PollCounts, 'checked'>> = { 'not-modified': 'notModified', unchanged: 'unchanged', moved: 'moved', retried: 'retried', failed: 'failed' };

export interface HeadCheckOptions {
  backoff: RetryBackoff;
  /** GitHub clients shared by the projects of one credential (see credentialCache). */
  clients: GitHubClients;
  /** How to start a project's writer when a head moved. */
  writer: { taskQueue: string; maximumAttempts: number };
}

/**
 * One GitHub client per credential for the span of a poll stretch: many projects share a token or
 * an installation, and building a client (decrypting the token, the throttling and retry
 * plugins) per project was most of the poll's own CPU at thousands of projects. Sharing it also
 * makes the throttling plugin see all of a credential's requests.
 */
export function credentialCache(github: GitHubClients): GitHubClients {
  const clients = new Map<string, Promise<ProjectGitHub>>();
  return (project, options) => {
    const key = `${project.auth_kind}:${project.installation_id ?? ''}:${project.token_ciphertext ?? ''}:${options?.priority ?? ''}`;
    let client = clients.get(key);
    if (!client) {
      client = github(project, options);
      clients.set(key, client);
      // A failure (no credentials) is not kept: the next project of the credential tries again.
      client.catch(() => clients.delete(key));
    }
    return client;
  };
}

/**
 * One project's poll: one conditional request for its branch head (a 304 costs no rate limit), a
 * push signal to the project's writer where the head moved, or where the project is behind the
 * head it knows or its last sync failed (with backoff, see needsSyncRetry). What the request found
 * (ETag, head) is stored only after the signal went out, so a signal that fails is retried by the
 * next round. A failing project is logged and counted, never fails the poll.
 */
export function createHeadCheck(deps: ActivityDeps) {
  const { db, log } = deps;
  const projects = projectsRepository(db);
  return async function checkHead(project: Project, options: HeadCheckOptions): Promise<HeadCheck> {
    const branch = project.branch ?? project.default_branch;
    if (!branch) return 'failed';
    try {
      const client = await options.clients(project, { priority: 'poll' });
      const response = await client.octokit.rest.repos
        .getBranch({ owner: project.owner, repo: project.repo, branch, headers: project.branch_etag ? { 'if-none-match': project.branch_etag } : {} })
        .catch((error: unknown) => {
          if ((error as { status?: number }).status === 304) return undefined;
          throw error;
        });
      const head = response ? response.data.commit.sha : project.last_remote_sha;
      const moved = response !== undefined && head !== project.last_remote_sha && head !== project.last_synced_sha;
      const retry = !moved && needsSyncRetry(project, head, new Date(), options.backoff);
      if (moved || retry) {
        if (!deps.temporal) throw new Error('the poll needs a Temporal client to signal project writers');
        await followProject(deps.temporal, options.writer, project, { ...(head ? { sha: head } : {}), source: 'poll' });
        log.info(moved ? 'poll found a moved head' : 'poll retries a project behind its head or failed', { projectId: project.id, head: head?.slice(0, 7), failures: project.sync_failures });
      }
      if (response) {
        await projects.recordPolledHead(project.id, { etag: response.headers.etag ?? null, lastRemoteSha: response.data.commit.sha });
      }
      if (moved) return 'moved';
      if (retry) return 'retried';
      return response ? 'unchanged' : 'not-modified';
    } catch (error) {
      log.warn('poll of a project failed', { projectId: project.id, error: (error as Error).message });
      return 'failed';
    }
  };
}
