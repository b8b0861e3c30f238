import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/db/connection.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { projectRequestsRepository } from '../../src/db/repositories/project-requests.js';

// The zero-configuration mode (PGlite) runs the same statement the webhook inbox applies a batch with.
let dir: string;
let db: Db;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'reposync-pushes-'));
  db = await openDatabase({ dataDir: dir });
  await migrateToLatest(db as never);
});
afterAll(async () => {
  await db.destroy();
  await rm(dir, { recursive: true, force: true });
});

async function project(repo: string): Promise<string> {
  const tenant = await db.insertInto('tenants').values({ name: repo }).returning('id').executeTakeFirstOrThrow();
  const row = await db
    .insertInto('projects')
    .values({ tenant_id: tenant.id, owner: 'octo', repo, branch: null, default_branch: 'main', auth_kind: 'none', token_ciphertext: null, webhook_secret_ciphertext: null, webhook_id: null, filter: '{}', sync_error_code: null, sync_error_message: null, sync_started_at: null, sync_completed_at: null, last_remote_sha: 'a'.repeat(40), last_synced_sha: null, last_outbound_base_sha: null, current_snapshot_id: null, branch_etag: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

const state = (id: string) => db.selectFrom('projects').select(['sync_requests', 'repository_refresh_requests', 'last_remote_sha']).where('id', '=', id).executeTakeFirstOrThrow();

describe('recording a batch of pushes for several projects in one statement', () => {
  it('adds each project its own requests and moves only the heads it names', async () => {
    const [pushed, followed, untouched] = [await project('pushed'), await project('followed'), await project('untouched')];
    const requests = projectRequestsRepository(db);
    await requests.recordPushes([
      { projectId: pushed, lastRemoteSha: 'b'.repeat(40), syncRequests: 0, refreshRequests: 1 },
      { projectId: followed, lastRemoteSha: null, syncRequests: 3, refreshRequests: 0 },
    ]);
    await requests.recordPushes([{ projectId: followed, lastRemoteSha: null, syncRequests: 2, refreshRequests: 0 }]);
    await requests.recordPushes([]);

    expect(await state(pushed)).toEqual({ sync_requests: 0, repository_refresh_requests: 1, last_remote_sha: 'b'.repeat(40) });
    expect(await state(followed)).toEqual({ sync_requests: 5, repository_refresh_requests: 0, last_remote_sha: 'a'.repeat(40) });
    expect(await state(untouched)).toEqual({ sync_requests: 0, repository_refresh_requests: 0, last_remote_sha: 'a'.repeat(40) });
  });
});
