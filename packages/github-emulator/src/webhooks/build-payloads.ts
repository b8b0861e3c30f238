import { runGit } from '../git/run-git.js';
import { isAncestor } from '../git/resolve-commit.js';
import { readCommits, type CommitData } from '../git/read-commits.js';
import type { RepoHandle } from '../state/repo-store.js';
import type { RepoFacts } from '../shapes/repository.js';
import { webhookRepositoryShape } from '../shapes/repository.js';
import { userShape } from '../shapes/user.js';
import { repoWebUrl, type Urls } from '../shapes/urls.js';
import type { RefUpdate } from '../types.js';

export const ZERO_SHA = '0000000000000000000000000000000000000000';

/** Push payloads list at most 2048 commits: https://docs.github.com/webhooks/webhook-events-and-payloads#push */
const MAX_PUSH_COMMITS = 2048;

export interface PayloadContext {
  urls: Urls;
  handle: RepoHandle;
  facts: RepoFacts;
  /** Login of whoever moved the ref (the token's user, or the owner for `git push`). */
  actor: string;
}

/** The `push` payload for one ref update, computed from the repository exactly as it now stands. */
export async function pushPayload(ctx: PayloadContext, update: RefUpdate) {
  const { urls, handle, facts, actor } = ctx;
  const { gitDir } = handle;
  const created = update.before === ZERO_SHA;
  const deleted = update.after === ZERO_SHA;
  const forced = !created && !deleted && !(await isAncestor(gitDir, update.before, update.after));
  const commits = deleted ? [] : await pushedCommits(gitDir, update);
  const web = repoWebUrl(urls, handle.owner, handle.name);
  const shaped = await Promise.all(commits.map((c) => pushCommitShape(ctx, c)));
  return {
    ref: update.ref,
    before: update.before,
    after: update.after,
    repository: webhookRepositoryShape(urls, handle, facts, true),
    pusher: { name: actor, email: `${actor}@users.noreply.github.com` },
    sender: userShape(urls, actor),
    created,
    deleted,
    forced,
    base_ref: null,
    compare: created ? `${web}/commit/${update.after.slice(0, 12)}` : `${web}/compare/${update.before.slice(0, 12)}...${update.after.slice(0, 12)}`,
    commits: shaped,
    head_commit: deleted ? null : (shaped.at(-1) ?? (await headCommit(ctx, update.after))),
  };
}

/** The `create` payload (a branch or tag appeared): https://docs.github.com/webhooks/webhook-events-and-payloads#create */
export function createPayload(ctx: PayloadContext, ref: string) {
  const { refType, name } = splitRef(ref);
  return {
    ref: name,
    ref_type: refType,
    master_branch: ctx.facts.defaultBranch,
    description: ctx.handle.info.description,
    pusher_type: 'user',
    repository: webhookRepositoryShape(ctx.urls, ctx.handle, ctx.facts, false),
    sender: userShape(ctx.urls, ctx.actor),
  };
}

/** The `delete` payload: https://docs.github.com/webhooks/webhook-events-and-payloads#delete */
export function deletePayload(ctx: PayloadContext, ref: string) {
  const { refType, name } = splitRef(ref);
  return {
    ref: name,
    ref_type: refType,
    pusher_type: 'user',
    repository: webhookRepositoryShape(ctx.urls, ctx.handle, ctx.facts, false),
    sender: userShape(ctx.urls, ctx.actor),
  };
}

export type RepositoryAction = 'created' | 'archived' | 'unarchived' | 'edited' | 'renamed' | 'transferred';

/** What a `repository` event says changed; `from` holds the value before the change. */
export interface RepositoryChanges {
  default_branch?: { from: string };
  repository?: { name: { from: string } };
  owner?: { from: { user: ReturnType<typeof userShape> } };
}

/**
 * The `repository` payload: `archived`/`unarchived` carry no `changes`; `edited`, `renamed` and
 * `transferred` say what the value was before, while `repository` shows it after.
 * https://docs.github.com/webhooks/webhook-events-and-payloads#repository
 */
export function repositoryPayload(ctx: PayloadContext, action: RepositoryAction, changes?: RepositoryChanges) {
  return {
    action,
    ...(changes ? { changes } : {}),
    repository: webhookRepositoryShape(ctx.urls, ctx.handle, ctx.facts, false),
    sender: userShape(ctx.urls, ctx.actor),
  };
}

export function splitRef(ref: string): { refType: 'branch' | 'tag'; name: string } {
  if (ref.startsWith('refs/tags/')) return { refType: 'tag', name: ref.slice('refs/tags/'.length) };
  return { refType: 'branch', name: ref.replace(/^refs\/heads\//, '') };
}

/** Commits the push brought: `before..after`, or for a new ref those not already on another ref. */
async function pushedCommits(gitDir: string, update: RefUpdate): Promise<CommitData[]> {
  if (update.before !== ZERO_SHA) return (await readCommits(gitDir, ['--reverse', `${update.before}..${update.after}`])).slice(-MAX_PUSH_COMMITS);
  const others = await runGit(gitDir, ['for-each-ref', '--format=%(refname) %(objectname)', 'refs/heads', 'refs/tags']);
  const exclude = others.stdout
    .toString('utf8')
    .split('\n')
    .filter(Boolean)
    .filter((line) => !line.startsWith(`${update.ref} `))
    .map((line) => `^${line.split(' ')[1]}`);
  return (await readCommits(gitDir, ['--reverse', update.after, ...exclude])).slice(-MAX_PUSH_COMMITS);
}

async function pushCommitShape(ctx: PayloadContext, c: CommitData) {
  const { added, removed, modified } = await changedPaths(ctx.handle.gitDir, c);
  const web = repoWebUrl(ctx.urls, ctx.handle.owner, ctx.handle.name);
  return {
    id: c.sha,
    tree_id: c.tree,
    distinct: true,
    message: c.message,
    timestamp: c.committer.date,
    url: `${web}/commit/${c.sha}`,
    author: { name: c.author.name, email: c.author.email, date: c.author.date },
    committer: { name: c.committer.name, email: c.committer.email, date: c.committer.date },
    added,
    removed,
    modified,
  };
}

async function headCommit(ctx: PayloadContext, sha: string) {
  const [commit] = await readCommits(ctx.handle.gitDir, ['--no-walk', sha]);
  return commit ? pushCommitShape(ctx, commit) : null;
}

/** Paths per commit against its first parent, without rename detection (GitHub lists a rename as removed + added). */
async function changedPaths(gitDir: string, c: CommitData): Promise<{ added: string[]; removed: string[]; modified: string[] }> {
  const args = c.parents[0] ? ['diff-tree', '-r', '-z', '--no-renames', '--name-status', c.parents[0], c.sha] : ['diff-tree', '-r', '-z', '--no-renames', '--name-status', '--root', c.sha];
  const { stdout } = await runGit(gitDir, args);
  const parts = stdout.toString('utf8').split('\0');
  const out = { added: [] as string[], removed: [] as string[], modified: [] as string[] };
  // `--root` prints the commit id first; status letters are single characters.
  for (let i = 0; i < parts.length - 1; i++) {
    const status = parts[i];
    if (status === undefined || !/^[AMDT]$/.test(status)) continue;
    const path = parts[++i] ?? '';
    if (status === 'A') out.added.push(path);
    else if (status === 'D') out.removed.push(path);
    else out.modified.push(path);
  }
  return out;
}
