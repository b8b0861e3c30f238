import type { Config } from '../config.js';
import type { SecretBox } from '../crypto/secret-box.js';
import type { Db } from '../db/connection.js';
import { projectsRepository, type Project } from '../db/repositories/projects.js';
import type { GitHubClients } from '../github/project-client.js';
import { registerWebhook, type WebhookRegistration } from '../github/register-webhook.js';

export interface WebhookDeps {
  db: Db;
  secrets: SecretBox;
  config: Pick<Config, 'publicUrl' | 'poll'>;
  github: GitHubClients;
  log: { info(fields: object, message: string): void; warn(fields: object, message: string): void };
}

/** The URL GitHub delivers to, when this deployment has a public address. */
const webhookUrl = (publicUrl: string) => `${publicUrl}/api/webhooks/github`;

/**
 * Gives a newly linked project a repository webhook with its own secret (stored sealed), and
 * records why not when that is impossible. Linking never fails for this: the poll still finds
 * every push, only later.
 */
export async function connectWebhook(deps: WebhookDeps, project: Project): Promise<Project> {
  const outcome = await webhookFor(deps, project);
  const columns = outcome.registered
    ? { webhook_id: outcome.hookId, webhook_secret_ciphertext: deps.secrets.seal(outcome.secret), webhook_problem: null }
    : { webhook_problem: outcome.reason };
  deps.log.info({ projectId: project.id, registered: outcome.registered, ...(outcome.registered ? { hookId: outcome.hookId } : { reason: outcome.reason }) }, 'project webhook');
  return projectsRepository(deps.db).recordWebhook(project.id, columns);
}

async function webhookFor(deps: WebhookDeps, project: Project): Promise<WebhookRegistration> {
  const poll = deps.config.poll.intervalSeconds > 0 ? `pushes are found by the poll every ${deps.config.poll.intervalSeconds} s` : 'and polling is off (POLL_INTERVAL_SECONDS=0): only POST /api/projects/:id/sync brings new commits';
  if (project.auth_kind === 'app') return { registered: false, reason: `GitHub App installations get events through the App's own webhook (GITHUB_WEBHOOK_SECRET); ${poll} if it is not set up` };
  if (project.auth_kind !== 'token') return { registered: false, reason: `no credentials to register a webhook with; ${poll}` };
  if (!deps.config.publicUrl) return { registered: false, reason: `PUBLIC_URL is not set, so GitHub has no address to deliver webhooks to; ${poll}` };
  // Another project of the same repository already has our hook: share it and its secret.
  // Registering again would rotate the hook's secret under the sibling, whose deliveries would
  // then stop verifying.
  const sibling = await projectsRepository(deps.db).findHookSibling(project);
  if (sibling?.webhook_id && sibling.webhook_secret_ciphertext) {
    return { registered: true, hookId: sibling.webhook_id, secret: deps.secrets.open(sibling.webhook_secret_ciphertext), reused: true };
  }
  try {
    const client = await deps.github(project);
    return await registerWebhook(client.octokit, project.owner, project.repo, webhookUrl(deps.config.publicUrl));
  } catch (error) {
    return { registered: false, reason: `registering the webhook failed: ${(error as Error).message}` };
  }
}
