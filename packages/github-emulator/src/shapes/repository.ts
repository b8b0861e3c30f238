import type { Identity } from '../auth/identity.js';
import type { RepoHandle } from '../state/repo-store.js';
import { nodeId, userShape } from './user.js';
import { repoApiUrl, repoWebUrl, type Urls } from './urls.js';

export interface RepoFacts {
  defaultBranch: string;
  pushedAt: string | null;
  /** Repository size in KB, as GitHub reports it. */
  size: number;
  openPulls: number;
}

/**
 * GitHub's `full-repository` object (GET /repos/{owner}/{repo}); every url field GitHub sends.
 * https://docs.github.com/rest/repos/repos#get-a-repository
 */
export function repositoryShape(urls: Urls, handle: RepoHandle, facts: RepoFacts, permissions?: { admin: boolean; push: boolean; pull: boolean }) {
  const { owner, name, info } = handle;
  const api = repoApiUrl(urls, owner, name);
  const web = repoWebUrl(urls, owner, name);
  return {
    id: info.id,
    node_id: nodeId('R', info.id),
    name,
    full_name: `${owner}/${name}`,
    private: info.private,
    owner: userShape(urls, owner),
    html_url: web,
    description: info.description,
    fork: info.fork,
    url: api,
    forks_url: `${api}/forks`,
    keys_url: `${api}/keys{/key_id}`,
    collaborators_url: `${api}/collaborators{/collaborator}`,
    teams_url: `${api}/teams`,
    hooks_url: `${api}/hooks`,
    issue_events_url: `${api}/issues/events{/number}`,
    events_url: `${api}/events`,
    assignees_url: `${api}/assignees{/user}`,
    branches_url: `${api}/branches{/branch}`,
    tags_url: `${api}/tags`,
    blobs_url: `${api}/git/blobs{/sha}`,
    git_tags_url: `${api}/git/tags{/sha}`,
    git_refs_url: `${api}/git/refs{/sha}`,
    trees_url: `${api}/git/trees{/sha}`,
    statuses_url: `${api}/statuses/{sha}`,
    languages_url: `${api}/languages`,
    stargazers_url: `${api}/stargazers`,
    contributors_url: `${api}/contributors`,
    subscribers_url: `${api}/subscribers`,
    subscription_url: `${api}/subscription`,
    commits_url: `${api}/commits{/sha}`,
    git_commits_url: `${api}/git/commits{/sha}`,
    comments_url: `${api}/comments{/number}`,
    issue_comment_url: `${api}/issues/comments{/number}`,
    contents_url: `${api}/contents/{+path}`,
    compare_url: `${api}/compare/{base}...{head}`,
    merges_url: `${api}/merges`,
    archive_url: `${api}/{archive_format}{/ref}`,
    downloads_url: `${api}/downloads`,
    issues_url: `${api}/issues{/number}`,
    pulls_url: `${api}/pulls{/number}`,
    milestones_url: `${api}/milestones{/number}`,
    notifications_url: `${api}/notifications{?since,all,participating}`,
    labels_url: `${api}/labels{/name}`,
    releases_url: `${api}/releases{/id}`,
    deployments_url: `${api}/deployments`,
    created_at: info.createdAt,
    updated_at: facts.pushedAt ?? info.createdAt,
    pushed_at: facts.pushedAt ?? info.createdAt,
    // clone_url is a real, clonable location: the served bare repository itself.
    git_url: `git://emulator/${owner}/${name}.git`,
    ssh_url: `git@emulator:${owner}/${name}.git`,
    clone_url: `file://${handle.gitDir}`,
    svn_url: web,
    homepage: null,
    size: facts.size,
    stargazers_count: 0,
    watchers_count: 0,
    language: null,
    has_issues: true,
    has_projects: true,
    has_downloads: true,
    has_wiki: true,
    has_pages: false,
    has_discussions: false,
    forks_count: 0,
    mirror_url: null,
    archived: info.archived,
    disabled: false,
    open_issues_count: facts.openPulls,
    license: null,
    allow_forking: true,
    is_template: false,
    web_commit_signoff_required: false,
    topics: [],
    visibility: info.private ? 'private' : 'public',
    forks: 0,
    open_issues: facts.openPulls,
    watchers: 0,
    default_branch: facts.defaultBranch,
    ...(permissions ? { permissions: { ...permissions, maintain: permissions.admin, triage: permissions.push } } : {}),
    network_count: 0,
    subscribers_count: 0,
  };
}

/** `permissions` appears only for authenticated callers. */
export function callerPermissions(identity: Identity): { admin: boolean; push: boolean; pull: boolean } | undefined {
  return identity.kind === 'anonymous' ? undefined : { admin: identity.kind === 'pat', push: identity.kind !== 'app', pull: true };
}

/**
 * GitHub's `minimal-repository` object, as repository lists give it: the full object without
 * the network and subscriber counts. https://docs.github.com/rest/repos/repos#list-organization-repositories
 */
export function minimalRepositoryShape(urls: Urls, handle: RepoHandle, facts: RepoFacts, permissions?: { admin: boolean; push: boolean; pull: boolean }) {
  const { network_count: _n, subscribers_count: _s, ...repo } = repositoryShape(urls, handle, facts, permissions);
  return repo;
}

/**
 * The repository object inside webhook payloads: same fields, but `push` events carry
 * `created_at`/`pushed_at` as Unix seconds. https://docs.github.com/webhooks/webhook-events-and-payloads#push
 */
export function webhookRepositoryShape(urls: Urls, handle: RepoHandle, facts: RepoFacts, numericDates: boolean) {
  const { permissions: _p, network_count: _n, subscribers_count: _s, ...repo } = repositoryShape(urls, handle, facts);
  const owner = { ...repo.owner, name: handle.owner, email: null };
  if (!numericDates) return { ...repo, owner };
  const seconds = (iso: string | null) => (iso ? Math.floor(Date.parse(iso) / 1000) : null);
  return { ...repo, owner, created_at: seconds(repo.created_at), pushed_at: seconds(repo.pushed_at), stargazers: 0, master_branch: facts.defaultBranch };
}
