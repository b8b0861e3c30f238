import type { Readable } from 'node:stream';

/** Limits GitHub applies to responses; lowerable so tests can reach them with small repositories. */
export interface EmulatorLimits {
  /** Recursive trees are truncated past this many entries: https://docs.github.com/rest/git/trees#get-a-tree */
  treeEntries: number;
  /** ...or past this many bytes of JSON (GitHub documents 7 MB). */
  treeBytes: number;
  /** Compare lists at most 300 files: https://docs.github.com/rest/commits/commits#compare-two-commits */
  compareFiles: number;
  /** Compare lists at most 250 commits on a page without pagination parameters. */
  compareCommits: number;
  /** Primary rate limit per token per hour: https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api */
  rateLimit: number;
}

export interface AppOptions {
  appId: number;
  /** PEM private key (PKCS#1 or PKCS#8). Generated when absent; read it back from `apps.privateKey(appId)`. */
  privateKey?: string;
  slug?: string;
  /** The App's webhook URL: installation events (and events of installed repositories) are delivered there. */
  webhookUrl?: string;
  webhookSecret?: string;
}

export interface EmulatorOptions {
  /** Directory of bare repositories laid out as `<root>/<owner>/<repo>.git`. */
  root: string;
  port?: number;
  /** Port of the codeload-style listener; 0 (default) picks a free one. */
  codeloadPort?: number;
  host?: string;
  limits?: Partial<EmulatorLimits>;
  /** Personal access tokens accepted besides the generated default one. */
  tokens?: string[];
  apps?: AppOptions[];
}

export type FileSpec =
  | string
  | Buffer
  | { content: string | Buffer; mode?: '100644' | '100755' }
  | { symlink: string }
  | null;

export interface CommitSpec {
  branch?: string;
  message: string;
  files: Record<string, FileSpec>;
  author?: { name: string; email: string; date?: string };
}

export interface CommitOptions {
  /** Parent commit to build on instead of the branch head; with `force` this rewrites history. */
  parent?: string | null;
  /** Move the branch even when the new commit does not descend from its head (a force-push). */
  force?: boolean;
}

export interface RepoInfo {
  owner: string;
  name: string;
  id: number;
  private: boolean;
  archived: boolean;
  /** A fork of another repository (GitHub's `fork` flag; `type=sources` lists the others). */
  fork: boolean;
  description: string | null;
  createdAt: string;
  /** token -> true: tokens allowed to see this repository when it is private. */
  grants: string[];
  protection: Record<string, ProtectionRule>;
  hooks: HookRecord[];
  pulls: PullRecord[];
  /** Issues and pull requests share one number sequence, as on GitHub. */
  nextPullNumber: number;
  issues: IssueRecord[];
  issueComments: IssueCommentRecord[];
  reviewComments: ReviewCommentRecord[];
  releases: ReleaseRecord[];
  /** Sequence behind the ids of comments, releases and assets (hashed into stable ids). */
  nextObjectSeq: number;
}

export interface IssueRecord {
  number: number;
  id: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  stateReason: 'completed' | 'not_planned' | 'reopened' | null;
  labels: string[];
  assignees: string[];
  user: string;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
}

export interface IssueCommentRecord {
  id: number;
  /** The issue or pull request the comment is on. */
  issueNumber: number;
  body: string;
  user: string;
  createdAt: string;
  updatedAt: string;
}

export interface ReviewCommentRecord {
  id: number;
  pullNumber: number;
  body: string;
  path: string;
  line: number;
  commitId: string;
  user: string;
  createdAt: string;
  updatedAt: string;
}

export interface ReleaseAssetRecord {
  id: number;
  name: string;
  size: number;
  contentType: string;
  createdAt: string;
}

export interface ReleaseRecord {
  id: number;
  tagName: string;
  targetCommitish: string;
  name: string | null;
  body: string | null;
  draft: boolean;
  prerelease: boolean;
  author: string;
  createdAt: string;
  publishedAt: string | null;
  updatedAt: string;
  assets: ReleaseAssetRecord[];
}

export interface ProtectionRule {
  /** GitHub refuses direct pushes when reviews are required: the PR route is then the only way in. */
  requirePullRequest: boolean;
  allowForcePushes: boolean;
  createdAt: string;
}

export interface HookRecord {
  id: number;
  url: string;
  secret: string | null;
  contentType: 'json' | 'form';
  events: string[];
  active: boolean;
  createdAt: string;
  updatedAt: string;
  lastResponse: { code: number | null; status: string; message: string | null };
}

export interface PullRecord {
  number: number;
  id: number;
  title: string;
  body: string | null;
  head: string;
  base: string;
  headSha: string;
  baseSha: string;
  state: 'open' | 'closed';
  merged: boolean;
  mergedAt: string | null;
  mergeCommitSha: string | null;
  draft: boolean;
  user: string;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
}

export interface RequestLogEntry {
  method: string;
  path: string;
  /** GitHub's OpenAPI path template of the matched operation, e.g. `GET /repos/{owner}/{repo}`. */
  route: string;
  status: number;
  /** Rate-limit points consumed: 0 for 304s, codeload and rejected requests. */
  cost: number;
  rateLimited: boolean;
  /** True when a fault rule answered or altered this request. */
  faulted: boolean;
  host: 'api' | 'codeload' | 'internal';
  at: number;
}

export interface FaultRule {
  method?: string;
  path: string | RegExp;
  /** How many matching requests the rule applies to; unlimited when absent. */
  times?: number;
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  delayMs?: number;
  /** Hold matching requests until this settles, for work a test must keep running until it says so. */
  holdUntil?: Promise<unknown>;
  /** Let the handler answer, then cut the connection after this many body bytes. */
  cutAfterBytes?: number;
  /** Let the handler answer, then send nothing more after this many body bytes, keeping the connection open. */
  stallAfterBytes?: number;
  /** Destroy the socket without answering (ECONNRESET on the client). */
  reset?: true;
  /** Let the handler answer, then send its body no faster than this. */
  bytesPerSecond?: number;
}

export interface RefUpdate {
  ref: string;
  before: string;
  after: string;
}

export type StreamFactory = () => Readable;
