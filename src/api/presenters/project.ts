import type { Project } from '../../db/repositories/projects.js';
import type { ProjectBody } from '../schemas/projects.js';

const iso = (date: Date | null) => (date ? date.toISOString() : null);

/** A project as the API shows it: never a token, a secret or a ciphertext. */
export function presentProject(project: Project): ProjectBody {
  return {
    id: project.id,
    owner: project.owner,
    repo: project.repo,
    branch: project.branch,
    defaultBranch: project.default_branch,
    auth: { kind: project.auth_kind, installationId: project.installation_id },
    syncMode: project.sync_mode,
    filter: project.filter,
    metadata: project.metadata,
    enabled: project.enabled,
    archived: project.archived,
    webhook: { registered: project.webhook_id !== null, id: project.webhook_id, problem: project.webhook_problem },
    sync: {
      status: project.sync_status,
      error: project.sync_error_code ? { code: project.sync_error_code, message: project.sync_error_message ?? '' } : null,
      startedAt: iso(project.sync_started_at),
      completedAt: iso(project.sync_completed_at),
      lastRemoteSha: project.last_remote_sha,
      lastSyncedSha: project.last_synced_sha,
      lastOutboundBaseSha: project.last_outbound_base_sha,
    },
    createdAt: project.created_at.toISOString(),
    updatedAt: project.updated_at.toISOString(),
  };
}
