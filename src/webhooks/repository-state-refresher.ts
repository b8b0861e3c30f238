import type { Db } from '../db/connection.js';
import { projectRequestsRepository } from '../db/repositories/project-requests.js';
import { projectsRepository, type Project } from '../db/repositories/projects.js';
import type { GitHubClients, ProjectGitHub } from '../github/project-client.js';
import { runBounded } from '../sync/run-bounded.js';
import { startDrainLoop } from './drain-loop.js';
import { changesFromRepositoryState, type RepositoryState } from './repository-state.js';

const BATCH = 100;
/** A project whose re-read failed waits this long before the next, doubled per failure in a row. */
const RETRY_BASE_MS = 2_000;
const RETRY_MAX_MS = 5 * 60_000;

export interface RepositoryStateRefresher {
  /** Re-read the repositories with pending requests now (after a webhook recorded one). */
  kick(): void;
  stop(): Promise<void>;
}

/**
 * Applies repository and branch state events (archived, renamed, transferred, default branch
 * changed, branch created or deleted, repository deleted) by re-reading the repository from
 * GitHub with the project's credential, never from the event's payload: a captured event replayed
 * under a new delivery GUID, or one that arrives late, then changes nothing GitHub does not say
 * now. Webhooks record requests in `projects.repository_refresh_requests`; they are cleared only
 * after the re-read state is stored, so a crash or a GitHub outage delays a change but never
 * loses it. Every API process may run one; a doubled re-read is harmless.
 */
export function startRepositoryStateRefresher(options: {
  db: Db;
  github: GitHubClients;
  log: { warn(fields: object, message: string): void };
  /** Called after a refresh asked a project's writer to look at the head (`sync_requests`). */
  onFollow(): void;
  intervalMs?: number;
  concurrency?: number;
}): RepositoryStateRefresher {
  const { db, github, log, onFollow, intervalMs = 2_000, concurrency = 4 } = options;
  const projects = projectsRepository(db);
  const requests = projectRequestsRepository(db);
  const failures = new Map<string, { count: number; retryAt: number }>();

  async function refresh(id: string, seen: number): Promise<boolean> {
    const project = await projects.findById(id);
    if (!project) return false;
    const state = await readRepositoryState(await github(project), project);
    const { changes, notFound, follow } = changesFromRepositoryState(project, state);
    // Requests recorded while this one read GitHub stay counted: the next round reads again.
    try {
      await requests.applyRefresh(id, { changes, notFound, follow, seen });
    } catch (error) {
      if ((error as { code?: string }).code !== '23505') throw error;
      // A rename onto a repository another project of the tenant already links: keep the old name.
      const { owner: _owner, repo: _repo, ...rest } = changes;
      log.warn({ projectId: id }, 'a repository rename collides with another project; the name is left as it was');
      await requests.applyRefresh(id, { changes: rest, notFound, follow, seen });
    }
    return follow;
  }

  async function drainOnce(): Promise<boolean> {
    const rows = await requests.pendingRefreshes(BATCH);
    const now = Date.now();
    const due = rows.filter((row) => (failures.get(row.id)?.retryAt ?? 0) <= now);
    let followed = false;
    await runBounded(due, concurrency, async ({ id, repository_refresh_requests: seen }) => {
      // A stopped refresher starts no more re-reads; the requests left stay recorded.
      if (loop.stopped) return;
      try {
        if (await refresh(id, seen)) followed = true;
        failures.delete(id);
      } catch (error) {
        const count = (failures.get(id)?.count ?? 0) + 1;
        failures.set(id, { count, retryAt: Date.now() + Math.min(RETRY_BASE_MS * 2 ** (count - 1), RETRY_MAX_MS) });
        log.warn({ projectId: id, error: (error as Error).message }, 're-reading the repository failed; retrying later');
      }
    });
    if (followed) onFollow();
    return rows.length === BATCH && due.length > 0;
  }

  const loop = startDrainLoop({ drainOnce, intervalMs, log, failureMessage: 're-reading repositories failed; retrying on the next round' });
  return { kick: () => loop.kick(), stop: () => loop.stop() };
}

/**
 * The repository and the head of the branch the project follows, as GitHub answers now. A
 * renamed or transferred repository is found under its old name: GitHub redirects it.
 */
async function readRepositoryState(client: ProjectGitHub, project: Project): Promise<RepositoryState> {
  const { data: repository } = await client.octokit.rest.repos.get({ owner: project.owner, repo: project.repo }).catch(nullOn404);
  if (!repository) return { repository: null, trackedHead: null };
  const branch = project.branch ?? repository.default_branch;
  const { data: head } = await client.octokit.rest.repos.getBranch({ owner: repository.owner.login, repo: repository.name, branch }).catch(nullOn404);
  return {
    repository: { owner: repository.owner.login, name: repository.name, archived: repository.archived, defaultBranch: repository.default_branch },
    trackedHead: head?.commit.sha ?? null,
  };
}

function nullOn404(error: unknown): { data: null } {
  if ((error as { status?: number }).status === 404) return { data: null };
  throw error;
}
