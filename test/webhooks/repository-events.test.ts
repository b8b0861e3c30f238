import { describe, expect, it } from 'vitest';
import type { Project } from '../../src/db/repositories/projects.js';
import { branchName, projectUpdateFor, storedRepository } from '../../src/webhooks/repository-events.js';

const project = (overrides: Partial<Project> = {}) =>
  ({ id: 'p', owner: 'octo', repo: 'app', branch: null, default_branch: 'main', enabled: true, current_snapshot_id: 's', sync_status: 'synced', ...overrides }) as Project;
const repository = { name: 'app', owner: { login: 'octo' }, default_branch: 'main' };

describe('reading webhook payloads as hostile input', () => {
  it('finds a renamed or transferred repository under the name our projects still use', () => {
    expect(storedRepository('repository', { action: 'renamed', changes: { repository: { name: { from: 'old-app' } } }, repository })).toEqual({ owner: 'octo', repo: 'old-app' });
    expect(storedRepository('repository', { action: 'transferred', changes: { owner: { from: { organization: { login: 'old-org' } } } }, repository })).toEqual({ owner: 'old-org', repo: 'app' });
    expect(storedRepository('push', { repository })).toEqual({ owner: 'octo', repo: 'app' });
  });

  it('refuses names GitHub could never send: traversal, separators, overlong, wrong types', () => {
    for (const name of ['../etc', 'a/b', 'x'.repeat(101), '', 42, null]) {
      expect(storedRepository('push', { repository: { name, owner: { login: 'octo' } } })).toBeUndefined();
      expect(storedRepository('repository', { action: 'renamed', changes: { repository: { name: { from: name } } }, repository })).toBeUndefined();
    }
    expect(storedRepository('push', { repository: { name: 'app', owner: { login: '-bad' } } })).toBeUndefined();
    for (const ref of ['a..b', 'has space', 'ctl\u0001', 'x'.repeat(256), 7]) expect(branchName(ref)).toBeUndefined();
    expect(branchName('feature/one')).toBe('feature/one');
  });

  it('maps each event to the project change it means', () => {
    const sha = 'a'.repeat(40);
    // A followed project's head is read fresh by its writer; a replayed payload's `after` is never stored.
    expect(projectUpdateFor('push', { ref: 'refs/heads/main', after: sha, repository }, project())).toEqual({ outcome: 'sync-signalled', changes: {}, follow: true, sha });
    expect(projectUpdateFor('push', { ref: 'refs/heads/main', after: 'not-a-sha', repository }, project())).toBeUndefined();
    // The echo of our own outbound commit: the snapshot is already there.
    expect(projectUpdateFor('push', { ref: 'refs/heads/main', after: sha, repository }, project({ last_synced_sha: sha }))).toMatchObject({ outcome: 'already-synced', follow: false });
    expect(projectUpdateFor('push', { ref: 'refs/heads/other', after: sha, repository }, project())).toBeUndefined();
    expect(projectUpdateFor('push', { ref: 'refs/heads/main', after: sha, repository }, project({ current_snapshot_id: null, sync_status: 'idle' }))).toMatchObject({ outcome: 'push-recorded', follow: false });
    expect(projectUpdateFor('delete', { ref: 'main', ref_type: 'tag', repository }, project())).toBeUndefined();
    expect(projectUpdateFor('repository', { action: 'privatized', repository }, project())).toBeUndefined();
    expect(projectUpdateFor('repository', { action: 'edited', changes: {}, repository }, project())).toBeUndefined();
  });

  it('turns every repository or branch state event into a re-read of the repository, applying nothing from the payload', () => {
    const events: Array<[string, Record<string, unknown>, string]> = [
      ['delete', { ref: 'main', ref_type: 'branch' }, 'tracked-branch-deleted'],
      ['create', { ref: 'main', ref_type: 'branch' }, 'tracked-branch-created'],
      ['repository', { action: 'archived' }, 'project-archived'],
      ['repository', { action: 'unarchived' }, 'project-unarchived'],
      ['repository', { action: 'renamed', changes: { repository: { name: { from: 'old-app' } } } }, 'project-renamed'],
      ['repository', { action: 'transferred', changes: { owner: { from: { user: { login: 'old' } } } } }, 'project-transferred'],
      ['repository', { action: 'deleted' }, 'repository-deleted'],
      ['repository', { action: 'edited', changes: { default_branch: { from: 'main' } }, repository: { ...repository, default_branch: 'trunk' } }, 'default-branch-changed'],
    ];
    for (const [event, payload, outcome] of events) {
      expect(projectUpdateFor(event, { repository, ...payload }, project()), outcome).toEqual({ outcome, changes: {}, follow: false, refresh: true });
    }
  });
});
