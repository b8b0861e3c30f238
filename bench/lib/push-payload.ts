import { createHmac } from 'node:crypto';
import type { ChainCommit } from './commit-chain.js';

/** A repository as GET /repos/{owner}/{repo} shows it, which the push payload embeds. */
export type RepositoryJson = Record<string, unknown> & { owner: { login: string }; html_url: string; full_name: string };

/**
 * The body GitHub delivers for a push of one commit to `main`, in the documented shape (ref,
 * before/after, repository, pusher, sender, commits, head_commit):
 * https://docs.github.com/webhooks/webhook-events-and-payloads#push
 */
export function pushPayload(repository: RepositoryJson, before: string, commit: ChainCommit): string {
  const login = repository.owner.login;
  const timestamp = new Date(commit.time * 1000).toISOString().replace('.000Z', 'Z');
  const person = { name: 'Bench', email: 'bench@example.invalid', username: login };
  const headCommit = {
    id: commit.sha,
    tree_id: commit.tree,
    distinct: true,
    message: commit.message,
    timestamp,
    url: `${repository.html_url}/commit/${commit.sha}`,
    author: person,
    committer: person,
    added: [],
    removed: [],
    modified: [commit.path],
  };
  return JSON.stringify({
    ref: 'refs/heads/main',
    before,
    after: commit.sha,
    repository: { ...repository, owner: { ...repository.owner, name: login }, pushed_at: commit.time, master_branch: 'main' },
    pusher: { name: login, email: `${login}@users.noreply.github.com` },
    sender: repository.owner,
    created: false,
    deleted: false,
    forced: false,
    base_ref: null,
    compare: `${repository.html_url}/compare/${before.slice(0, 12)}...${commit.sha.slice(0, 12)}`,
    commits: [headCommit],
    head_commit: headCommit,
  });
}

/**
 * The headers of a delivery, signed over the exact body as GitHub signs it:
 * https://docs.github.com/webhooks/using-webhooks/validating-webhook-deliveries
 */
export function deliveryHeaders(secret: string, body: string, delivery: string, event = 'push'): Record<string, string> {
  return {
    'content-type': 'application/json',
    'user-agent': 'GitHub-Hookshot/bench',
    'x-github-event': event,
    'x-github-delivery': delivery,
    'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
    'x-hub-signature': `sha1=${createHmac('sha1', secret).update(body).digest('hex')}`,
  };
}
