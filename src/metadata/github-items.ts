import type { CommentInput } from '../db/repositories/comments.js';
import type { CommitInput } from '../db/repositories/commits.js';
import type { IssueInput, PullRequestInput } from '../db/repositories/issues.js';
import type { ReleaseInput } from '../db/repositories/releases.js';

/** An item from GitHub (a listing or a webhook payload) that does not have the shape we store. */
export class InvalidGitHubItemError extends Error {
  constructor(readonly field: string, detail: string) {
    super(`invalid ${field}: ${detail}`);
    this.name = 'InvalidGitHubItemError';
  }
}

/** Longest text we store from GitHub (bodies, messages); far above GitHub's own limits. */
const MAX_TEXT_BYTES = 4 * 1024 * 1024;
const SHA = /^[0-9a-f]{40}$/;
const LOGIN = /^[A-Za-z0-9-]{1,39}(\[bot\])?$/;

type Item = Record<string, unknown>;

function object(value: unknown, field: string): Item {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new InvalidGitHubItemError(field, 'not an object');
  return value as Item;
}

function text(value: unknown, field: string): string {
  if (typeof value !== 'string') throw new InvalidGitHubItemError(field, 'not a string');
  if (Buffer.byteLength(value) > MAX_TEXT_BYTES) throw new InvalidGitHubItemError(field, `longer than ${MAX_TEXT_BYTES} bytes`);
  return value;
}

function optionalText(value: unknown, field: string): string | null {
  return value === null || value === undefined ? null : text(value, field);
}

function positiveInteger(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) throw new InvalidGitHubItemError(field, 'not a positive integer');
  return value;
}

function time(value: unknown, field: string): Date {
  const ms = typeof value === 'string' ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) throw new InvalidGitHubItemError(field, 'not a timestamp');
  return new Date(ms);
}

function optionalTime(value: unknown, field: string): Date | null {
  return value === null || value === undefined ? null : time(value, field);
}

function sha(value: unknown, field: string): string {
  if (typeof value !== 'string' || !SHA.test(value)) throw new InvalidGitHubItemError(field, 'not a commit SHA');
  return value;
}

function state(value: unknown, field: string): 'open' | 'closed' {
  if (value !== 'open' && value !== 'closed') throw new InvalidGitHubItemError(field, 'neither open nor closed');
  return value;
}

/** A user's login, or null for a deleted account (GitHub sends `user: null`). */
function login(value: unknown, field: string): string | null {
  if (value === null || value === undefined) return null;
  const name = object(value, field).login;
  if (typeof name !== 'string' || !LOGIN.test(name)) throw new InvalidGitHubItemError(`${field}.login`, 'not a GitHub login');
  return name;
}

function logins(value: unknown, field: string): string[] {
  if (!Array.isArray(value)) throw new InvalidGitHubItemError(field, 'not a list');
  return value.map((v, i) => login(v, `${field}[${i}]`)).filter((l): l is string => l !== null);
}

function labelNames(value: unknown): string[] {
  if (!Array.isArray(value)) throw new InvalidGitHubItemError('labels', 'not a list');
  return value.map((label, i) => text(typeof label === 'string' ? label : object(label, `labels[${i}]`).name, `labels[${i}].name`));
}

/** An item of the issues list or an `issues` payload's `issue` (pull requests included). */
export function issueFromGitHub(value: unknown): IssueInput {
  const item = object(value, 'issue');
  const milestone = item.milestone === null || item.milestone === undefined ? null : text(object(item.milestone, 'milestone').title, 'milestone.title');
  return {
    number: positiveInteger(item.number, 'number'),
    github_id: positiveInteger(item.id, 'id'),
    is_pull_request: item.pull_request !== undefined && item.pull_request !== null,
    state: state(item.state, 'state'),
    state_reason: optionalText(item.state_reason, 'state_reason'),
    title: text(item.title, 'title'),
    body: optionalText(item.body, 'body'),
    labels: JSON.stringify(labelNames(item.labels ?? [])),
    assignees: JSON.stringify(logins(item.assignees ?? [], 'assignees')),
    milestone,
    author_login: login(item.user, 'user'),
    comment_count: typeof item.comments === 'number' && Number.isSafeInteger(item.comments) && item.comments >= 0 ? item.comments : 0,
    created_at: time(item.created_at, 'created_at'),
    updated_at: time(item.updated_at, 'updated_at'),
    closed_at: optionalTime(item.closed_at, 'closed_at'),
  };
}

/** The pull-request side of an item of the pulls list or a `pull_request` payload. */
export function pullRequestFromGitHub(value: unknown): { issue: IssueInput; pull: PullRequestInput } {
  const item = object(value, 'pull_request');
  const head = object(item.head, 'head');
  const base = object(item.base, 'base');
  const issue = issueFromGitHub({ ...item, pull_request: {} });
  return {
    issue,
    pull: {
      number: issue.number,
      head_ref: text(head.ref, 'head.ref'),
      head_sha: sha(head.sha, 'head.sha'),
      base_ref: text(base.ref, 'base.ref'),
      base_sha: sha(base.sha, 'base.sha'),
      merged: item.merged === true || (item.merged_at !== null && item.merged_at !== undefined),
      merged_at: optionalTime(item.merged_at, 'merged_at'),
      merge_commit_sha: item.merge_commit_sha === null || item.merge_commit_sha === undefined ? null : sha(item.merge_commit_sha, 'merge_commit_sha'),
      draft: item.draft === true,
      updated_at: issue.updated_at,
    },
  };
}

/** The issue or pull request number an issue comment's `issue_url` ends with. */
function numberFromUrl(value: unknown, field: string): number {
  const match = /\/(?:issues|pulls)\/(\d+)$/.exec(text(value, field));
  if (!match) throw new InvalidGitHubItemError(field, 'does not end with an issue number');
  return positiveInteger(Number(match[1]), field);
}

export function issueCommentFromGitHub(value: unknown): CommentInput {
  const item = object(value, 'comment');
  return {
    kind: 'issue',
    github_id: positiveInteger(item.id, 'id'),
    issue_number: numberFromUrl(item.issue_url, 'issue_url'),
    author_login: login(item.user, 'user'),
    body: text(item.body ?? '', 'body'),
    path: null,
    line: null,
    commit_sha: null,
    created_at: time(item.created_at, 'created_at'),
    updated_at: time(item.updated_at, 'updated_at'),
  };
}

export function reviewCommentFromGitHub(value: unknown): CommentInput {
  const item = object(value, 'comment');
  return {
    kind: 'review',
    github_id: positiveInteger(item.id, 'id'),
    issue_number: numberFromUrl(item.pull_request_url, 'pull_request_url'),
    author_login: login(item.user, 'user'),
    body: text(item.body ?? '', 'body'),
    path: text(item.path, 'path'),
    line: item.line === null || item.line === undefined ? null : positiveInteger(item.line, 'line'),
    commit_sha: sha(item.commit_id, 'commit_id'),
    created_at: time(item.created_at, 'created_at'),
    updated_at: time(item.updated_at, 'updated_at'),
  };
}

export function releaseFromGitHub(value: unknown): ReleaseInput {
  const item = object(value, 'release');
  const assets = Array.isArray(item.assets) ? item.assets : [];
  return {
    github_id: positiveInteger(item.id, 'id'),
    tag_name: text(item.tag_name, 'tag_name'),
    name: optionalText(item.name, 'name'),
    body: optionalText(item.body, 'body'),
    draft: item.draft === true,
    prerelease: item.prerelease === true,
    author_login: login(item.author, 'author'),
    assets: JSON.stringify(
      assets.map((a, i) => {
        const asset = object(a, `assets[${i}]`);
        const size = asset.size;
        if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) throw new InvalidGitHubItemError(`assets[${i}].size`, 'not a size');
        return { name: text(asset.name, `assets[${i}].name`), size, contentType: text(asset.content_type ?? 'application/octet-stream', `assets[${i}].content_type`) };
      }),
    ),
    created_at: time(item.created_at, 'created_at'),
    published_at: optionalTime(item.published_at, 'published_at'),
  };
}

/** An item of the commits list. */
export function commitFromGitHub(value: unknown): CommitInput {
  const item = object(value, 'commit');
  const commit = object(item.commit, 'commit.commit');
  const author = commit.author === null || commit.author === undefined ? null : object(commit.author, 'commit.author');
  const committer = commit.committer === null || commit.committer === undefined ? null : object(commit.committer, 'commit.committer');
  const parents = Array.isArray(item.parents) ? item.parents : [];
  return {
    sha: sha(item.sha, 'sha'),
    author_name: author ? optionalText(author.name, 'commit.author.name') : null,
    author_email: author ? optionalText(author.email, 'commit.author.email') : null,
    author_login: login(item.author, 'author'),
    authored_at: author ? optionalTime(author.date, 'commit.author.date') : null,
    committer_name: committer ? optionalText(committer.name, 'commit.committer.name') : null,
    committer_email: committer ? optionalText(committer.email, 'commit.committer.email') : null,
    committed_at: committer ? optionalTime(committer.date, 'commit.committer.date') : null,
    message: text(commit.message, 'commit.message'),
    parents: parents.map((p, i) => sha(object(p, `parents[${i}]`).sha, `parents[${i}].sha`)),
  };
}

/** A ref name from GitHub: refused when git itself would refuse it, or when it could not be a path. */
export function refName(value: unknown, field: string): string {
  const name = text(value, field);
  const control = [...name].some((ch) => ch.charCodeAt(0) <= 0x20 || ch.charCodeAt(0) === 0x7f);
  if (name === '' || name.length > 255 || control || /[~^:?*[\\]|\.\.|@\{|\/\/|^\/|\/$|\.lock$/.test(name)) throw new InvalidGitHubItemError(field, 'not a valid ref name');
  return name;
}

export { sha as commitSha };
