import { projectsRepository, type Project } from '../db/repositories/projects.js';
import { unregisterWebhook } from '../github/register-webhook.js';
import type { WebhookDeps } from './connect-webhook.js';

/** Removes an unlinked project's hook, unless another project of the repository still uses it. */
export async function disconnectWebhook(deps: WebhookDeps, project: Project): Promise<void> {
  if (project.webhook_id === null || project.auth_kind !== 'token') return;
  if (await projectsRepository(deps.db).isHookInUse(project.owner, project.repo, project.webhook_id)) return;
  try {
    const client = await deps.github(project);
    await unregisterWebhook(client.octokit, project.owner, project.repo, project.webhook_id);
  } catch (error) {
    deps.log.warn({ projectId: project.id, hookId: project.webhook_id, error: (error as Error).message }, 'could not remove the webhook of an unlinked project');
  }
}
