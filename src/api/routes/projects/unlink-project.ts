import type { Client } from '@temporalio/client';
import { projectsRepository, type Project } from '../../../db/repositories/projects.js';
import { incrementalSyncWorkflowId, initialSyncWorkflowId } from '../../../shared/workflow-ids.js';
import type { WebhookDeps } from '../../../webhooks/connect-webhook.js';
import { disconnectWebhook } from '../../../webhooks/disconnect-webhook.js';

/**
 * Unlinks a project: its rows go, its repository webhook is removed, and any sync of it is
 * cancelled (it has nothing left to write to; a cancel that fails means it had already ended).
 * False when the project was already gone.
 */
export async function unlinkProject(deps: WebhookDeps & { temporal: Client }, project: Project): Promise<boolean> {
  if (!(await projectsRepository(deps.db).deleteForTenant(project.tenant_id, project.id))) return false;
  await disconnectWebhook(deps, project);
  for (const workflowId of [initialSyncWorkflowId(project.id), incrementalSyncWorkflowId(project.id)]) {
    await deps.temporal.workflow
      .getHandle(workflowId)
      .cancel()
      .catch(() => {});
  }
  return true;
}
