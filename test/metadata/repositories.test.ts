import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commentsRepository } from '../../src/db/repositories/comments.js';
import { commitsRepository } from '../../src/db/repositories/commits.js';
import { issuesRepository, type IssueInput } from '../../src/db/repositories/issues.js';
import { refsRepository } from '../../src/db/repositories/refs.js';
import { syncStatesRepository } from '../../src/db/repositories/sync-states.js';
import { createTestDatabase } from '../support/test-stack.js';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.drop());

async function newProject(): Promise<string> {
  const { db } = database;
  const tenant = await db.insertInto('tenants').values({ name: 'metadata' }).returning('id').executeTakeFirstOrThrow();
  const project = await db
    .insertInto('projects')
    .values({ tenant_id: tenant.id, owner: 'octo', repo: 'meta', branch: null, default_branch: 'main', auth_kind: 'none', token_ciphertext: null, webhook_secret_ciphertext: null, webhook_id: null, filter: '{}', sync_error_code: null, sync_error_message: null, sync_started_at: null, sync_completed_at: null, last_remote_sha: null, last_synced_sha: null, last_outbound_base_sha: null, current_snapshot_id: null, branch_etag: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  return project.id;
}

function issue(number: number, fields: Partial<IssueInput> = {}): IssueInput {
  return { number, github_id: 1000 + number, is_pull_request: false, state: 'open', state_reason: null, title: `Issue ${number}`, body: null, labels: '[]', assignees: '[]', milestone: null, author_login: 'octocat', created_at: new Date('2026-01-01T00:00:00Z'), updated_at: new Date('2026-01-02T00:00:00Z'), closed_at: null, ...fields };
}

describe('metadata repositories', () => {
  it('round-trips a 1 MB issue body with odd Unicode exactly', async () => {
    const projectId = await newProject();
    const odd = 'e\u0301 \u{1F468}\u200D\u{1F469}\u200D\u{1F467} \u202Eright-to-left\u202C \uFEFF \u{10FFFF} ';
    const body = odd.repeat(Math.ceil(1_048_576 / odd.length)).slice(0, 1_048_576);
    await issuesRepository(database.db).upsert(projectId, [issue(1, { body, title: odd, labels: JSON.stringify([odd]) })]);
    const stored = await issuesRepository(database.db).find(projectId, 1);
    expect(stored?.body).toBe(body);
    expect(stored?.title).toBe(odd);
    expect(stored?.labels).toEqual([odd]);
  });

  it('keeps one row per issue when seen twice, and never lets an older copy replace a newer one', async () => {
    const projectId = await newProject();
    const repo = issuesRepository(database.db);
    await repo.upsert(projectId, [issue(7, { title: 'new', updated_at: new Date('2026-03-01T00:00:00Z') })]);
    await repo.upsert(projectId, [issue(7, { title: 'old', updated_at: new Date('2026-02-01T00:00:00Z') })]);
    await repo.upsert(projectId, [issue(7, { title: 'new', updated_at: new Date('2026-03-01T00:00:00Z') })]);
    const rows = await database.db.selectFrom('issues').selectAll().where('project_id', '=', projectId).execute();
    expect(rows.map((r) => [r.number, r.title])).toEqual([[7, 'new']]);
  });

  it('derives open and closed counts of issues and pull requests from the rows', async () => {
    const projectId = await newProject();
    const repo = issuesRepository(database.db);
    await repo.upsert(projectId, [issue(1), issue(2, { state: 'closed' }), issue(3, { is_pull_request: true }), issue(4, { is_pull_request: true, state: 'closed' })]);
    await repo.upsertPullRequests(projectId, [{ number: 4, head_ref: 'f', head_sha: 'a'.repeat(40), base_ref: 'main', base_sha: 'b'.repeat(40), merged: true, merged_at: new Date(), merge_commit_sha: null, draft: false, updated_at: new Date() }]);
    expect(await repo.counts(projectId)).toEqual({ openIssues: 1, closedIssues: 1, openPullRequests: 1, closedPullRequests: 1, mergedPullRequests: 1 });
  });

  it('removes only the refs a complete listing no longer names', async () => {
    const projectId = await newProject();
    const refs = refsRepository(database.db);
    await refs.upsert(projectId, [
      { name: 'main', kind: 'branch', sha: 'a'.repeat(40), peeled_sha: null, protected: true },
      { name: 'gone', kind: 'branch', sha: 'b'.repeat(40), peeled_sha: null, protected: false },
      { name: 'v1', kind: 'tag', sha: 'c'.repeat(40), peeled_sha: 'a'.repeat(40), protected: false },
    ]);
    expect(await refs.removeUnlisted(projectId, 'branch', ['main'])).toBe(1);
    expect((await refs.list(projectId, { limit: 10 })).map((r) => `${r.kind}:${r.name}`)).toEqual(['branch:main', 'tag:v1']);
  });

  it('lists the commits reachable from a ref by walking stored parents', async () => {
    const projectId = await newProject();
    const commits = commitsRepository(database.db);
    const at = (n: number) => new Date(Date.UTC(2026, 0, n));
    const commit = (sha: string, parents: string[], day: number) => ({ sha, parents, message: sha, author_name: 'A', author_email: 'a@example.com', author_login: null, authored_at: at(day), committer_name: 'A', committer_email: 'a@example.com', committed_at: at(day) });
    // root <- a <- b (main); root <- side (another branch)
    await commits.insert(projectId, [commit('root', [], 1), commit('a', ['root'], 2), commit('b', ['a'], 3), commit('side', ['root'], 4)]);
    expect(await commits.insert(projectId, [commit('b', ['a'], 3)])).toBe(0);
    expect((await commits.list(projectId, { from: 'b' }, { limit: 10 })).map((c) => c.sha)).toEqual(['b', 'a', 'root']);
    expect((await commits.list(projectId, { since: at(2), until: at(3) }, { limit: 10 })).map((c) => c.sha)).toEqual(['b', 'a']);
    expect([...(await commits.known(projectId, ['a', 'zzz']))]).toEqual(['a']);
  });

  it('upserts a redelivered comment once and removes a deleted one', async () => {
    const projectId = await newProject();
    const comments = commentsRepository(database.db);
    const row = { kind: 'issue' as const, github_id: 42, issue_number: 1, author_login: 'octocat', body: 'hi', path: null, line: null, commit_sha: null, created_at: new Date(), updated_at: new Date() };
    await comments.upsert(projectId, [row]);
    await comments.upsert(projectId, [row]);
    expect(await comments.forIssue(projectId, 'issue', 1)).toHaveLength(1);
    await comments.remove(projectId, 'issue', 42);
    expect(await comments.forIssue(projectId, 'issue', 1)).toHaveLength(0);
  });

  it('keeps a phase’s cursor and ETag when it fails, and moves them when it succeeds', async () => {
    const projectId = await newProject();
    const states = syncStatesRepository(database.db);
    await states.advance(projectId, 'issues', { etag: 'W/"1"', cursor: '2026-01-01T00:00:00Z' });
    await states.recordFailure(projectId, 'issues', 'rate-limited');
    expect(await states.get(projectId, 'issues')).toMatchObject({ etag: 'W/"1"', cursor: '2026-01-01T00:00:00Z', last_error_code: 'rate-limited' });
    await states.advance(projectId, 'issues', { etag: 'W/"2"', cursor: '2026-01-02T00:00:00Z' });
    expect(await states.get(projectId, 'issues')).toMatchObject({ etag: 'W/"2"', cursor: '2026-01-02T00:00:00Z', last_error_code: null });
  });
});
