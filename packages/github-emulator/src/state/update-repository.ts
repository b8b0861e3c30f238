import type { EmulatorCore } from '../core.js';
import { runGit } from '../git/run-git.js';
import { userShape } from '../shapes/user.js';
import type { RepoHandle } from './repo-store.js';

export interface RepositoryUpdate {
  name?: string;
  /** The account to transfer the repository to. */
  owner?: string;
  defaultBranch?: string;
  archived?: boolean;
}

/**
 * Applies repository settings one change at a time, delivering one `repository` webhook per
 * change that took effect (a value set to what it already was sends nothing). Unarchiving comes
 * first and archiving last, since an archived repository accepts no other change.
 * https://docs.github.com/webhooks/webhook-events-and-payloads#repository
 */
export async function updateRepository(core: EmulatorCore, handle: RepoHandle, update: RepositoryUpdate, actor: string): Promise<void> {
  if (update.name !== undefined && !isRepositoryName(update.name)) throw new Error(`invalid repository name ${JSON.stringify(update.name)}`);
  if (update.owner !== undefined && !isLogin(update.owner)) throw new Error(`invalid account name ${JSON.stringify(update.owner)}`);
  await core.store.withLock(handle, async () => {
    if (update.archived === false && handle.info.archived) await setArchived(core, handle, false, actor);
    if (update.name !== undefined && update.name !== handle.name) {
      const from = handle.name;
      await move(core, handle, handle.owner, update.name);
      await core.repositoryChanged(handle, 'renamed', { repository: { name: { from } } }, actor);
    }
    if (update.owner !== undefined && update.owner !== handle.owner) {
      const from = handle.owner;
      await move(core, handle, update.owner, handle.name);
      await core.repositoryChanged(handle, 'transferred', { owner: { from: { user: userShape(core.urls, from) } } }, actor);
    }
    if (update.defaultBranch !== undefined) {
      const from = await core.defaultBranch(handle);
      if (from !== update.defaultBranch) {
        await runGit(handle.gitDir, ['symbolic-ref', 'HEAD', `refs/heads/${update.defaultBranch}`]);
        await core.repositoryChanged(handle, 'edited', { default_branch: { from } }, actor);
      }
    }
    if (update.archived === true && !handle.info.archived) await setArchived(core, handle, true, actor);
  });
}

async function setArchived(core: EmulatorCore, handle: RepoHandle, archived: boolean, actor: string): Promise<void> {
  handle.info.archived = archived;
  await core.store.save(handle);
  await core.repositoryChanged(handle, archived ? 'archived' : 'unarchived', undefined, actor);
}

async function move(core: EmulatorCore, handle: RepoHandle, owner: string, name: string): Promise<void> {
  const from = `${handle.owner}/${handle.name}`;
  await core.store.move(handle, owner, name);
  core.apps.repositoryMoved(from, `${owner}/${name}`);
}

/** GitHub repository names: up to 100 letters, digits, `-`, `_` and `.`, but not `.` or `..`. */
export function isRepositoryName(name: string): boolean {
  return /^[A-Za-z0-9._-]{1,100}$/.test(name) && name !== '.' && name !== '..';
}

/** GitHub logins: up to 39 letters, digits and single inner hyphens. */
export function isLogin(login: string): boolean {
  return /^[A-Za-z0-9](?:-?[A-Za-z0-9]){0,38}$/.test(login);
}
