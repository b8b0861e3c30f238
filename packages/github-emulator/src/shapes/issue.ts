import type { RepoHandle } from '../state/repo-store.js';
import { stableId } from '../state/repo-store.js';
import type { IssueRecord, PullRecord } from '../types.js';
import { nodeId, userShape } from './user.js';
import { repoApiUrl, repoWebUrl, type Urls } from './urls.js';

/** GitHub's `reaction-rollup`; the emulator records no reactions. */
export function reactionsShape(url: string) {
  return { url: `${url}/reactions`, total_count: 0, '+1': 0, '-1': 0, laugh: 0, confused: 0, heart: 0, hooray: 0, eyes: 0, rocket: 0 };
}

/** GitHub's `label` object for a label name. */
export function labelShape(urls: Urls, handle: RepoHandle, name: string) {
  const id = stableId(`label:${handle.info.id}:${name.toLowerCase()}`);
  return {
    id,
    node_id: nodeId('LA', id),
    url: `${repoApiUrl(urls, handle.owner, handle.name)}/labels/${encodeURIComponent(name)}`,
    name,
    color: 'ededed',
    default: false,
    description: null,
  };
}

/**
 * A pull request as the issues API sees it: every pull request is also an issue, with its own
 * issue id and a `pull_request` link. https://docs.github.com/rest/issues/issues#list-repository-issues
 */
export function pullAsIssue(handle: RepoHandle, pull: PullRecord): IssueRecord & { pull: PullRecord } {
  return {
    number: pull.number,
    id: stableId(`issue:${handle.info.id}:${pull.number}`),
    title: pull.title,
    body: pull.body,
    state: pull.state,
    stateReason: null,
    labels: [],
    assignees: [],
    user: pull.user,
    createdAt: pull.createdAt,
    updatedAt: pull.updatedAt,
    closedAt: pull.closedAt,
    pull,
  };
}

/** GitHub's `issue` object, used by the REST API and by webhook payloads alike: https://docs.github.com/rest/issues/issues#get-an-issue */
export function issueShape(urls: Urls, handle: RepoHandle, issue: IssueRecord & { pull?: PullRecord }, comments: number) {
  const api = repoApiUrl(urls, handle.owner, handle.name);
  const web = repoWebUrl(urls, handle.owner, handle.name);
  const url = `${api}/issues/${issue.number}`;
  const assignees = issue.assignees.map((login) => userShape(urls, login));
  return {
    url,
    repository_url: api,
    labels_url: `${url}/labels{/name}`,
    comments_url: `${url}/comments`,
    events_url: `${url}/events`,
    html_url: issue.pull ? `${web}/pull/${issue.number}` : `${web}/issues/${issue.number}`,
    id: issue.id,
    node_id: nodeId('I', issue.id),
    number: issue.number,
    title: issue.title,
    user: userShape(urls, issue.user),
    labels: issue.labels.map((name) => labelShape(urls, handle, name)),
    state: issue.state,
    state_reason: issue.stateReason,
    locked: false,
    assignee: assignees[0] ?? null,
    assignees,
    milestone: null,
    comments,
    created_at: issue.createdAt,
    updated_at: issue.updatedAt,
    closed_at: issue.closedAt,
    author_association: 'OWNER',
    active_lock_reason: null,
    body: issue.body,
    reactions: reactionsShape(url),
    timeline_url: `${url}/timeline`,
    performed_via_github_app: null,
    ...(issue.pull
      ? {
          draft: issue.pull.draft,
          pull_request: {
            url: `${api}/pulls/${issue.number}`,
            html_url: `${web}/pull/${issue.number}`,
            diff_url: `${web}/pull/${issue.number}.diff`,
            patch_url: `${web}/pull/${issue.number}.patch`,
            merged_at: issue.pull.mergedAt,
          },
        }
      : {}),
  };
}
