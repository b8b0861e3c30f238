import { buildTree, type TreeEdit } from '../git/build-tree.js';
import { readRef } from '../git/list-refs.js';
import { commitTree } from '../git/merge-commits.js';
import { isAncestor } from '../git/resolve-commit.js';
import { gitText } from '../git/run-git.js';
import type { EmulatorCore } from '../core.js';
import { addReleaseAsset } from '../routes/release-routes.js';
import type { CommitOptions, CommitSpec, FileSpec } from '../types.js';
import { ZERO_SHA } from '../webhooks/build-payloads.js';
import { nextObjectId, stableId, type RepoHandle } from './repo-store.js';
import { updateRepository } from './update-repository.js';
import { deliverRepositoryGone } from '../webhooks/app-events.js';

export interface CommitResult {
  sha: string;
  tree: string;
  /** The branch head before the commit (null when the branch was created). */
  before: string | null;
}

const ADMIN = 'emulator-admin';

/**
 * Test-side administration of served repositories: create them, commit to them (moving the
 * branch and delivering push webhooks exactly as a push would), protect branches, grant tokens,
 * and change settings (archive, default branch, rename, transfer) with their `repository` webhooks.
 */
export class RepoAdmin {
  constructor(private readonly core: EmulatorCore) {}

  /**
   * Creates an empty repository (`fork: true` flags it as a fork, as GitHub lists forks); Apps
   * installed on the account for all repositories hear `repository` `created`.
   */
  async create(owner: string, name: string, options: { private?: boolean; defaultBranch?: string; description?: string; fork?: boolean } = {}): Promise<{ path: string; id: number }> {
    const handle = await this.core.store.create(owner, name, options);
    await this.core.repositoryChanged(handle, 'created', undefined, ADMIN);
    return { path: handle.gitDir, id: handle.info.id };
  }

  /**
   * Deletes a repository. GitHub sends `repository` `deleted` to neither repository hooks nor
   * Apps (only to organization hooks, which the emulator has not); installations that had
   * selected it drop it and hear `installation_repositories` `removed`.
   */
  async delete(owner: string, name: string): Promise<void> {
    const handle = await this.get(owner, name);
    await this.core.store.withLock(handle, async () => {
      await this.core.store.remove(handle);
      const installations = this.core.apps.repositoryDeleted(`${handle.owner}/${handle.name}`);
      await deliverRepositoryGone(this.core, installations, handle);
    });
  }

  /** The bare repository's directory, for `git push`/`git clone` straight at it. */
  path(owner: string, name: string): string {
    return `${this.core.store.root}/${owner}/${name}.git`;
  }

  async commit(owner: string, name: string, spec: CommitSpec, options: CommitOptions = {}): Promise<CommitResult> {
    const handle = await this.get(owner, name);
    const branch = spec.branch ?? (await this.defaultBranch(handle));
    const ref = `refs/heads/${branch}`;
    return this.core.store.withLock(handle, async () => {
      const current = (await readRef(handle.gitDir, ref))?.sha ?? null;
      const parent = options.parent === undefined ? current : options.parent;
      const baseTree = parent ? await gitText(handle.gitDir, ['rev-parse', `${parent}^{tree}`]) : null;
      const tree = await buildTree(handle.gitDir, baseTree, Object.entries(spec.files).map(([path, file]) => toEdit(path, file)));
      const author = spec.author ?? { name: 'Emulator Admin', email: `${ADMIN}@users.noreply.github.com` };
      const sha = await commitTree(handle.gitDir, tree, parent ? [parent] : [], spec.message, author, author, spec.author?.date);
      if (current && parent !== current && !options.force && !(await isAncestor(handle.gitDir, current, sha))) {
        throw new Error(`commit on ${branch} is not a fast-forward of ${current}; pass { force: true } to rewrite history`);
      }
      await this.core.moveRef(handle, ref, sha, current ?? ZERO_SHA, ADMIN);
      return { sha, tree, before: current };
    });
  }

  /** Creates or moves a tag (lightweight) and delivers the events a tag push would. */
  async tag(owner: string, name: string, tag: string, sha: string): Promise<void> {
    const handle = await this.get(owner, name);
    const ref = `refs/tags/${tag}`;
    await this.core.store.withLock(handle, async () => {
      const current = (await readRef(handle.gitDir, ref))?.sha ?? ZERO_SHA;
      await this.core.moveRef(handle, ref, sha, current, ADMIN);
    });
  }

  /** Attaches an asset (name and size only) to a release, as an upload would. */
  async addReleaseAsset(owner: string, name: string, releaseId: number, asset: { name: string; size: number; contentType?: string }): Promise<number> {
    const handle = await this.get(owner, name);
    return this.core.store.withLock(handle, () => addReleaseAsset(handle, () => this.core.store.save(handle), releaseId, asset.name, asset.size, asset.contentType ?? 'application/octet-stream'));
  }

  /**
   * Adds `issues` issues with `commentsPerIssue` comments each in one write, for benchmarks that
   * need thousands (creating them one by one through the API rewrites the sidecar every time).
   */
  async seedIssues(owner: string, name: string, options: { issues: number; commentsPerIssue: number }): Promise<void> {
    await this.update(owner, name, (handle) => {
      const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
      for (let i = 0; i < options.issues; i++) {
        const number = handle.info.nextPullNumber++;
        handle.info.issues.push({ number, id: stableId(`issue:${handle.info.id}:${number}`), title: `Seeded issue ${number}`, body: `Body of issue ${number}`, state: i % 3 === 0 ? 'closed' : 'open', stateReason: i % 3 === 0 ? 'completed' : null, labels: i % 2 === 0 ? ['even'] : [], assignees: [], user: ADMIN, createdAt: now, updatedAt: now, closedAt: i % 3 === 0 ? now : null });
        for (let c = 0; c < options.commentsPerIssue; c++) {
          handle.info.issueComments.push({ id: nextObjectId(handle, 'issue-comment'), issueNumber: number, body: `Comment ${c} on ${number}`, user: ADMIN, createdAt: now, updatedAt: now });
        }
      }
    });
  }

  /** The current head of a branch, or null. */
  async head(owner: string, name: string, branch?: string): Promise<string | null> {
    const handle = await this.get(owner, name);
    return (await readRef(handle.gitDir, `refs/heads/${branch ?? (await this.defaultBranch(handle))}`))?.sha ?? null;
  }

  /**
   * Protects a branch (GitHub's "require a pull request before merging", no force pushes) or
   * lifts the protection. Direct pushes and Git Data ref updates are then refused; PR merges pass.
   */
  async setProtection(owner: string, name: string, branch: string, protect: boolean | { requirePullRequest?: boolean; allowForcePushes?: boolean }): Promise<void> {
    await this.update(owner, name, (handle) => {
      if (protect === false) delete handle.info.protection[branch];
      else {
        const rule = protect === true ? {} : protect;
        handle.info.protection[branch] = {
          requirePullRequest: rule.requirePullRequest ?? true,
          allowForcePushes: rule.allowForcePushes ?? false,
          createdAt: new Date().toISOString(),
        };
      }
    });
  }

  /** Lets a token see a private repository (registering the token if it is new). */
  async grantToken(token: string, fullName: string): Promise<void> {
    const [owner = '', name = ''] = fullName.split('/');
    this.core.tokens.add(token);
    await this.update(owner, name, (handle) => {
      if (!handle.info.grants.includes(token)) handle.info.grants.push(token);
    });
  }

  async setPrivate(owner: string, name: string, isPrivate: boolean): Promise<void> {
    await this.update(owner, name, (handle) => {
      handle.info.private = isPrivate;
    });
  }

  /** Archives or unarchives, delivering `repository` `archived`/`unarchived`. */
  async setArchived(owner: string, name: string, archived: boolean): Promise<void> {
    await updateRepository(this.core, await this.get(owner, name), { archived }, ADMIN);
  }

  /** Points HEAD at `branch`, delivering `repository` `edited` with `changes.default_branch.from`. */
  async setDefaultBranch(owner: string, name: string, branch: string): Promise<void> {
    await updateRepository(this.core, await this.get(owner, name), { defaultBranch: branch }, ADMIN);
  }

  /**
   * Renames a repository, delivering `repository` `renamed`; every API, git and archive route then
   * answers under the new name, and API requests for the old one are redirected like GitHub's.
   */
  async rename(owner: string, name: string, newName: string): Promise<{ path: string }> {
    const handle = await this.get(owner, name);
    await updateRepository(this.core, handle, { name: newName }, ADMIN);
    return { path: handle.gitDir };
  }

  /** Transfers a repository to another account, delivering `repository` `transferred`. */
  async transfer(owner: string, name: string, newOwner: string): Promise<{ path: string }> {
    const handle = await this.get(owner, name);
    await updateRepository(this.core, handle, { owner: newOwner }, ADMIN);
    return { path: handle.gitDir };
  }

  private async update(owner: string, name: string, change: (handle: RepoHandle) => void): Promise<void> {
    const handle = await this.get(owner, name);
    await this.core.store.withLock(handle, async () => {
      change(handle);
      await this.core.store.save(handle);
    });
  }

  private async get(owner: string, name: string): Promise<RepoHandle> {
    const handle = await this.core.store.find(owner, name);
    if (!handle) throw new Error(`no repository ${owner}/${name} under ${this.core.store.root}`);
    return handle;
  }

  private async defaultBranch(handle: RepoHandle): Promise<string> {
    return this.core.defaultBranch(handle);
  }
}

function toEdit(path: string, file: FileSpec): TreeEdit {
  if (file === null) return { path, sha: null };
  if (typeof file === 'string' || Buffer.isBuffer(file)) return { path, mode: '100644', content: Buffer.from(file) };
  if ('symlink' in file) return { path, mode: '120000', content: Buffer.from(file.symlink) };
  return { path, mode: file.mode ?? '100644', content: Buffer.from(file.content) };
}
