import type { ProjectColumns } from '../db/repositories/project-requests.js';
import type { Project } from '../db/repositories/projects.js';
import { following } from './repository-events.js';

/** A repository as GitHub describes it now, read with the project's credential. */
export interface RepositoryState {
  /** null: GitHub answers 404 — the repository is gone, or the credential can no longer see it. */
  repository: { owner: string; name: string; archived: boolean; defaultBranch: string } | null;
  /** The head of the branch the project follows, or null when that branch does not exist. */
  trackedHead: string | null;
}

/**
 * What the repository's current state means for a project: the columns that differ, why the
 * project is marked not-found (`notFound`, when its repository or branch is gone), and whether
 * its writer should look at the head (the branch it follows moved away from our snapshot, or the
 * project failed and its branch is back). Applying only what GitHub says now, never an event's
 * payload, keeps a replayed or late event from undoing a newer change.
 */
export function changesFromRepositoryState(project: Project, state: RepositoryState): { changes: ProjectColumns; notFound?: string; follow: boolean } {
  const { repository, trackedHead } = state;
  if (!repository) {
    return { changes: {}, notFound: `repository ${project.owner}/${project.repo} was deleted on GitHub, or the credential can no longer see it; the last snapshot is kept`, follow: false };
  }
  const changes: ProjectColumns = {};
  if (repository.owner !== project.owner) changes.owner = repository.owner;
  if (repository.name !== project.repo) changes.repo = repository.name;
  if (repository.archived !== project.archived) changes.archived = repository.archived;
  if (repository.defaultBranch !== project.default_branch) changes.default_branch = repository.defaultBranch;
  const branch = project.branch ?? repository.defaultBranch;
  // An empty repository has no branch yet; only a branch we imported from can have been deleted.
  if (trackedHead === null && project.current_snapshot_id !== null) {
    return { changes, notFound: `branch ${branch} was deleted on GitHub; the last snapshot is kept`, follow: false };
  }
  const follow = trackedHead !== null && following(project) && (trackedHead !== project.last_synced_sha || project.sync_status === 'failed');
  return { changes, follow };
}
