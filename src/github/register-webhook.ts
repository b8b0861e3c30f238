import { randomBytes } from 'node:crypto';
import type { ReposyncOctokit } from './octokit.js';

/**
 * The events a repository hook sends us: pushes, branch create/delete and repository changes for
 * the files; issues, pull requests, their reviews and comments, and releases for the metadata.
 */
export const WEBHOOK_EVENTS = ['push', 'create', 'delete', 'repository', 'issues', 'issue_comment', 'pull_request', 'pull_request_review', 'pull_request_review_comment', 'release'];

export type WebhookRegistration =
  | { registered: true; hookId: number; secret: string; reused: boolean }
  | { registered: false; reason: string };

/**
 * Points a repository webhook at `url` with a freshly generated secret. A hook already aimed at
 * `url` (a project linked before, then unlinked) is updated in place rather than duplicated —
 * GitHub refuses a second hook with the same URL anyway. Never throws: a credential that may not
 * manage hooks is reported, since pushes are still caught by the poll.
 */
export async function registerWebhook(octokit: ReposyncOctokit, owner: string, repo: string, url: string): Promise<WebhookRegistration> {
  const secret = randomBytes(32).toString('hex');
  const config = { url, content_type: 'json' as const, secret, insecure_ssl: '0' as const };
  try {
    const hooks = await octokit.paginate(octokit.rest.repos.listWebhooks, { owner, repo, per_page: 100 });
    const existing = hooks.find((hook) => hook.config.url === url);
    if (existing) {
      await octokit.rest.repos.updateWebhook({ owner, repo, hook_id: existing.id, config, events: WEBHOOK_EVENTS, active: true });
      return { registered: true, hookId: existing.id, secret, reused: true };
    }
    const { data } = await octokit.rest.repos.createWebhook({ owner, repo, config, events: WEBHOOK_EVENTS, active: true });
    return { registered: true, hookId: data.id, secret, reused: false };
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status === 403 || status === 404) {
      return {
        registered: false,
        reason: `GitHub answered ${status}: the credential may not manage webhooks of ${owner}/${repo} (a token needs the admin:repo_hook scope or the "Webhooks" repository permission); pushes are found by polling until a hook is added`,
      };
    }
    return { registered: false, reason: `registering the webhook failed: ${(error as Error).message}` };
  }
}

/** Removes a hook we registered; a hook already gone is fine. */
export async function unregisterWebhook(octokit: ReposyncOctokit, owner: string, repo: string, hookId: number): Promise<void> {
  try {
    await octokit.rest.repos.deleteWebhook({ owner, repo, hook_id: hookId });
  } catch (error) {
    if ((error as { status?: number }).status !== 404) throw error;
  }
}
