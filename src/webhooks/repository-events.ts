import type { ProjectColumns } from '../db/repositories/project-requests.js';
import type { Project } from '../db/repositories/projects.js';

/** The fields of GitHub's push, create, delete and repository payloads we read; nothing is trusted unchecked. */
export interface WebhookPayload {
  action?: unknown;
  ref?: unknown;
  ref_type?: unknown;
  after?: unknown;
  changes?: {
    repository?: { name?: { from?: unknown } };
    owner?: { from?: { user?: { login?: unknown }; organization?: { login?: unknown } } };
    default_branch?: { from?: unknown };
  };
  repository?: { name?: unknown; full_name?: unknown; default_branch?: unknown; owner?: { login?: unknown; name?: unknown } };
}

// GitHub's own limits: owners are 1-39 of [A-Za-z0-9-], repositories 1-100 of [A-Za-z0-9._-].
const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const REPO = /^[A-Za-z0-9._-]{1,100}$/;
/** A full git object id, as GitHub writes it. */
export const SHA = /^[0-9a-f]{40}$/;

const text = (value: unknown, pattern: RegExp): string | undefined => (typeof value === 'string' && pattern.test(value) ? value : undefined);
/** A branch name as git allows it (no control characters, spaces or `..`), at most 255 bytes. */
export const branchName = (value: unknown): string | undefined =>
  typeof value === 'string' && value.length > 0 && Buffer.byteLength(value) <= 255 && ![...value].some((c) => c <= ' ' || c === '\u007f') && !/[~^:?*[\\]|\.\./.test(value) ? value : undefined;

/** The repository a payload names, as it is now. */
export function currentRepository(payload: WebhookPayload): { owner: string; repo: string } | undefined {
  const repository = payload.repository;
  const owner = text(repository?.owner?.login ?? repository?.owner?.name ?? (typeof repository?.full_name === 'string' ? repository.full_name.split('/')[0] : undefined), OWNER);
  const repo = text(repository?.name, REPO);
  return owner && repo ? { owner, repo } : undefined;
}

/**
 * The name our projects know the repository by: a rename or transfer arrives under the new
 * name, but the projects it concerns are still stored under the old one.
 */
export function storedRepository(event: string, payload: WebhookPayload): { owner: string; repo: string } | undefined {
  const current = currentRepository(payload);
  if (!current || event !== 'repository') return current;
  if (payload.action === 'renamed') {
    const from = text(payload.changes?.repository?.name?.from, REPO);
    return from ? { owner: current.owner, repo: from } : undefined;
  }
  if (payload.action === 'transferred') {
    const from = text(payload.changes?.owner?.from?.user?.login ?? payload.changes?.owner?.from?.organization?.login, OWNER);
    return from ? { owner: from, repo: current.repo } : undefined;
  }
  return current;
}

/**
 * What an event means for one project: the head last pushed, whether its writer should look at the
 * head, and whether the repository's state must be re-read from GitHub. No other column is ever
 * taken from a payload.
 */
export interface ProjectUpdate {
  outcome: string;
  changes: Pick<ProjectColumns, 'last_remote_sha'>;
  follow: boolean;
  /**
   * A repository or branch state change: the payload is never applied, only a re-read of the
   * repository from GitHub is requested. The delivery GUID is outside the signature, so a captured
   * old event can be replayed under a new GUID; applying what GitHub says now makes that harmless.
   */
  refresh?: true;
  /** The pushed commit (checked against our own outbound commits; the writer reads the head itself). */
  sha?: string;
}

const trackedBranch = (project: Project) => project.branch ?? project.default_branch;
/** Imported, or with an import under way whose writer applies the change after it. */
export const following = (project: Project) => project.enabled && (project.current_snapshot_id !== null || project.sync_status === 'pending' || project.sync_status === 'syncing');
const refresh = (outcome: string): ProjectUpdate => ({ outcome, changes: {}, follow: false, refresh: true });

/** The update a push, create, delete or repository event makes to a project, if any. */
export function projectUpdateFor(event: string, payload: WebhookPayload, project: Project): ProjectUpdate | undefined {
  const current = currentRepository(payload);
  if (event === 'push') {
    const after = text(payload.after, SHA);
    if (!after || payload.ref !== `refs/heads/${trackedBranch(project)}`) return undefined;
    // A deleted branch arrives as a push to the zero SHA; its `delete` event is handled below.
    if (/^0+$/.test(after)) return undefined;
    // Our snapshot is already at this commit and no sync is under way (which might be moving it
    // elsewhere): the echo of our own outbound commit, or a push the poll got to first.
    if (after === project.last_synced_sha && project.sync_status === 'synced') return { outcome: 'already-synced', changes: {}, follow: false, sha: after };
    // A followed project's writer records the head it reads fresh; the payload's `after` could be
    // an old push replayed under a new delivery GUID, so it is never stored for such a project.
    if (following(project)) return { outcome: 'sync-signalled', changes: {}, follow: true, sha: after };
    return { outcome: 'push-recorded', changes: { last_remote_sha: after }, follow: false, sha: after };
  }
  if (event === 'create' || event === 'delete') {
    if (payload.ref_type !== 'branch' || branchName(payload.ref) !== trackedBranch(project)) return undefined;
    return refresh(event === 'delete' ? 'tracked-branch-deleted' : 'tracked-branch-created');
  }
  if (event !== 'repository' || !current) return undefined;
  switch (payload.action) {
    case 'renamed':
      return refresh('project-renamed');
    case 'transferred':
      return refresh('project-transferred');
    case 'archived':
    case 'unarchived':
      return refresh(`project-${payload.action}`);
    case 'deleted':
      return refresh('repository-deleted');
    case 'edited':
      return payload.changes?.default_branch ? refresh('default-branch-changed') : undefined;
    default:
      return undefined;
  }
}
