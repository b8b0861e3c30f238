import type { RepoHandle } from '../state/repo-store.js';
import type { PullRecord } from '../types.js';
import { repositoryShape, type RepoFacts } from './repository.js';
import { nodeId, userShape } from './user.js';
import { repoApiUrl, repoWebUrl, type Urls } from './urls.js';

export interface PullStats {
  headSha: string;
  baseSha: string;
  commits: number;
  additions: number;
  deletions: number;
  changedFiles: number;
  mergeable: boolean | null;
}

/** GitHub's `pull-request` object: https://docs.github.com/rest/pulls/pulls#get-a-pull-request */
export function pullShape(urls: Urls, handle: RepoHandle, facts: RepoFacts, pull: PullRecord, stats: PullStats) {
  const api = repoApiUrl(urls, handle.owner, handle.name);
  const web = repoWebUrl(urls, handle.owner, handle.name);
  const url = `${api}/pulls/${pull.number}`;
  const repo = repositoryShape(urls, handle, facts);
  const side = (ref: string, sha: string) => ({ label: `${handle.owner}:${ref}`, ref, sha, user: userShape(urls, handle.owner), repo });
  return {
    url,
    id: pull.id,
    node_id: nodeId('PR', pull.id),
    html_url: `${web}/pull/${pull.number}`,
    diff_url: `${web}/pull/${pull.number}.diff`,
    patch_url: `${web}/pull/${pull.number}.patch`,
    issue_url: `${api}/issues/${pull.number}`,
    commits_url: `${url}/commits`,
    review_comments_url: `${url}/comments`,
    review_comment_url: `${api}/pulls/comments{/number}`,
    comments_url: `${api}/issues/${pull.number}/comments`,
    statuses_url: `${api}/statuses/${stats.headSha}`,
    number: pull.number,
    state: pull.state,
    locked: false,
    title: pull.title,
    user: userShape(urls, pull.user),
    body: pull.body,
    labels: [],
    milestone: null,
    active_lock_reason: null,
    created_at: pull.createdAt,
    updated_at: pull.updatedAt,
    closed_at: pull.closedAt,
    merged_at: pull.mergedAt,
    merge_commit_sha: pull.mergeCommitSha,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    head: side(pull.head, stats.headSha),
    base: side(pull.base, stats.baseSha),
    _links: {
      self: { href: url },
      html: { href: `${web}/pull/${pull.number}` },
      issue: { href: `${api}/issues/${pull.number}` },
      comments: { href: `${api}/issues/${pull.number}/comments` },
      review_comments: { href: `${url}/comments` },
      review_comment: { href: `${api}/pulls/comments{/number}` },
      commits: { href: `${url}/commits` },
      statuses: { href: `${api}/statuses/${stats.headSha}` },
    },
    author_association: 'OWNER',
    auto_merge: null,
    draft: pull.draft,
    merged: pull.merged,
    mergeable: stats.mergeable,
    rebaseable: stats.mergeable,
    mergeable_state: pull.state === 'closed' ? 'unknown' : stats.mergeable ? 'clean' : 'dirty',
    merged_by: pull.merged ? userShape(urls, pull.user) : null,
    comments: 0,
    review_comments: 0,
    maintainer_can_modify: false,
    commits: stats.commits,
    additions: stats.additions,
    deletions: stats.deletions,
    changed_files: stats.changedFiles,
  };
}
