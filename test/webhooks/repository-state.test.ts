import { describe, expect, it } from 'vitest';
import type { Project } from '../../src/db/repositories/projects.js';
import { changesFromRepositoryState } from '../../src/webhooks/repository-state.js';

const synced = 'a'.repeat(40);
const project = (overrides: Partial<Project> = {}) =>
  ({ id: 'p', owner: 'octo', repo: 'app', branch: null, default_branch: 'main', archived: false, enabled: true, current_snapshot_id: 's', last_synced_sha: synced, sync_status: 'synced', ...overrides }) as Project;
const repository = { owner: 'octo', name: 'app', archived: false, defaultBranch: 'main' };

describe('applying the repository state GitHub reports now', () => {
  it('changes nothing when GitHub agrees with the project, whatever event asked for the re-read', () => {
    expect(changesFromRepositoryState(project(), { repository, trackedHead: synced })).toEqual({ changes: {}, follow: false });
    // An old `archived` replayed after `unarchived`: GitHub says unarchived.
    expect(changesFromRepositoryState(project({ archived: false }), { repository: { ...repository, archived: false }, trackedHead: synced }).changes).toEqual({});
  });

  it('takes the name, owner, archived flag and default branch from GitHub', () => {
    const now = { owner: 'newhome', name: 'moved', archived: true, defaultBranch: 'main' };
    expect(changesFromRepositoryState(project(), { repository: now, trackedHead: synced })).toEqual({ changes: { owner: 'newhome', repo: 'moved', archived: true }, follow: false });
  });

  it('follows the new default branch of a project that follows the default', () => {
    const trunk = 'b'.repeat(40);
    expect(changesFromRepositoryState(project(), { repository: { ...repository, defaultBranch: 'trunk' }, trackedHead: trunk })).toEqual({ changes: { default_branch: 'trunk' }, follow: true });
    // Pinned to main, whose head is the synced one: only the column changes.
    expect(changesFromRepositoryState(project({ branch: 'main' }), { repository: { ...repository, defaultBranch: 'trunk' }, trackedHead: synced })).toEqual({ changes: { default_branch: 'trunk' }, follow: false });
  });

  it('marks a project not-found when its branch or repository is gone, and brings it back when the branch returns', () => {
    expect(changesFromRepositoryState(project({ branch: 'feature' }), { repository, trackedHead: null })).toEqual({ changes: {}, notFound: expect.stringMatching(/branch feature was deleted/), follow: false });
    expect(changesFromRepositoryState(project(), { repository: null, trackedHead: null })).toEqual({ changes: {}, notFound: expect.stringMatching(/repository octo\/app was deleted/), follow: false });
    // A replayed `delete` of a branch that exists again: the writer looks at it and the failure clears.
    expect(changesFromRepositoryState(project({ sync_status: 'failed' }), { repository, trackedHead: synced })).toEqual({ changes: {}, follow: true });
    // An empty repository has no branch yet: nothing was deleted.
    expect(changesFromRepositoryState(project({ current_snapshot_id: null, sync_status: 'synced' }), { repository, trackedHead: null })).toEqual({ changes: {}, follow: false });
  });
});
