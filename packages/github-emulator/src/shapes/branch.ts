import type { RepoHandle } from '../state/repo-store.js';
import type { ProtectionRule } from '../types.js';
import { repoApiUrl, repoWebUrl, type Urls } from './urls.js';

/** The summary `protection` object branch listings carry. */
function protectionSummary(rule: ProtectionRule | undefined) {
  return { enabled: rule !== undefined, required_status_checks: { enforcement_level: 'off', contexts: [], checks: [] } };
}

/** GitHub's `short-branch` (list branches): https://docs.github.com/rest/branches/branches#list-branches */
export function shortBranchShape(urls: Urls, handle: RepoHandle, name: string, sha: string) {
  const api = repoApiUrl(urls, handle.owner, handle.name);
  const rule = handle.info.protection[name];
  return {
    name,
    commit: { sha, url: `${api}/commits/${sha}` },
    protected: rule !== undefined,
    protection: protectionSummary(rule),
    protection_url: `${api}/branches/${encodeURIComponent(name)}/protection`,
  };
}

/** GitHub's `branch-with-protection` (get a branch), embedding the full commit object. */
export function branchShape(urls: Urls, handle: RepoHandle, name: string, commit: unknown) {
  const api = repoApiUrl(urls, handle.owner, handle.name);
  const rule = handle.info.protection[name];
  return {
    name,
    commit,
    _links: { self: `${api}/branches/${encodeURIComponent(name)}`, html: `${repoWebUrl(urls, handle.owner, handle.name)}/tree/${name}` },
    protected: rule !== undefined,
    protection: protectionSummary(rule),
    protection_url: `${api}/branches/${encodeURIComponent(name)}/protection`,
  };
}

/** GitHub's `branch-protection` object: https://docs.github.com/rest/branches/branch-protection#get-branch-protection */
export function protectionShape(urls: Urls, handle: RepoHandle, name: string, rule: ProtectionRule) {
  const url = `${repoApiUrl(urls, handle.owner, handle.name)}/branches/${encodeURIComponent(name)}/protection`;
  return {
    url,
    ...(rule.requirePullRequest
      ? {
          required_pull_request_reviews: {
            url: `${url}/required_pull_request_reviews`,
            dismiss_stale_reviews: false,
            require_code_owner_reviews: false,
            required_approving_review_count: 1,
            require_last_push_approval: false,
          },
        }
      : {}),
    required_signatures: { url: `${url}/required_signatures`, enabled: false },
    enforce_admins: { url: `${url}/enforce_admins`, enabled: true },
    required_linear_history: { enabled: false },
    allow_force_pushes: { enabled: rule.allowForcePushes },
    allow_deletions: { enabled: false },
    block_creations: { enabled: false },
    required_conversation_resolution: { enabled: false },
    lock_branch: { enabled: false },
    allow_fork_syncing: { enabled: false },
  };
}
