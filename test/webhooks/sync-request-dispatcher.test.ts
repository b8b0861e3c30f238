import { createServer, type AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { incrementalSyncWorkflowId } from '../../src/shared/workflow-ids.js';
import { startSyncRequestDispatcher } from '../../src/webhooks/sync-request-dispatcher.js';
import { startApiHarness, type ApiHarness } from '../support/api-harness.js';
import { createTestDatabase } from '../support/test-stack.js';

// A database of its own: the API's webhook-workers plugin runs a dispatcher on the harness's database.
let h: ApiHarness;
let database: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  h = await startApiHarness();
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.drop();
  await h.close();
});

const quiet = { warn: () => {} };

/** A log that keeps its warnings, so a test can see what the dispatcher reported. */
function recordingLog() {
  const warnings: { fields: object; message: string }[] = [];
  return { warnings, warn: (fields: object, message: string) => void warnings.push({ fields, message }) };
}

/** A Temporal address that accepts connections and drops each at once, counting them. */
async function droppingServer() {
  let connections = 0;
  const server = createServer((socket) => {
    connections += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    connections: () => connections,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function pendingProject(requests: number): Promise<string> {
  const tenant = await database.db.insertInto('tenants').values({ name: 'dispatch' }).returning('id').executeTakeFirstOrThrow();
  const project = await database.db
    .insertInto('projects')
    .values({ tenant_id: tenant.id, owner: 'octo', repo: 'dispatch', branch: null, default_branch: 'main', auth_kind: 'none', token_ciphertext: null, webhook_secret_ciphertext: null, webhook_id: null, filter: '{}', sync_error_code: null, sync_error_message: null, sync_started_at: null, sync_completed_at: null, last_remote_sha: null, last_synced_sha: null, last_outbound_base_sha: null, current_snapshot_id: null, branch_etag: null, sync_requests: requests })
    .returning('id')
    .executeTakeFirstOrThrow();
  return project.id;
}

const requestsOf = async (id: string) => (await database.db.selectFrom('projects').select('sync_requests').where('id', '=', id).executeTakeFirstOrThrow()).sync_requests;

describe('the sync request dispatcher', () => {
  it('tries, warns and keeps acknowledged pushes while Temporal is unreachable, and wakes the writer once it answers', async () => {
    const id = await pendingProject(3);
    const broken = await droppingServer();
    const unreachable = new Client({ connection: Connection.lazy({ address: broken.address, connectTimeout: '500ms' }) });
    const log = recordingLog();
    const down = startSyncRequestDispatcher({ db: database.db, temporal: unreachable, config: h.config, log, intervalMs: 60_000 });
    for (let i = 0; i < 200 && log.warnings.length === 0; i += 1) await sleep(50);
    await down.stop();
    await broken.close();
    // It tried to reach Temporal, said that it failed, and kept every request for the next round.
    expect(broken.connections()).toBeGreaterThan(0);
    expect(log.warnings).toContainEqual({ fields: { error: expect.any(String) }, message: 'signalling project writers failed; retrying on the next round' });
    expect(await requestsOf(id)).toBe(3);
    await expect(h.temporal.workflow.getHandle(incrementalSyncWorkflowId(id)).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);

    const up = startSyncRequestDispatcher({ db: database.db, temporal: h.temporal, config: h.config, log: quiet, intervalMs: 60_000 });
    // No worker runs here, so the wake waits for one in vain, then goes as a signal.
    for (let i = 0; i < 600 && (await requestsOf(id)) > 0; i += 1) await sleep(50);
    await up.stop();
    expect(await requestsOf(id)).toBe(0);
    // One wake for the three pushes: the writer reads the newest head itself.
    const history = await h.temporal.workflow.getHandle(incrementalSyncWorkflowId(id)).fetchHistory();
    const signals = history.events?.filter((event) => event.workflowExecutionSignaledEventAttributes?.signalName === 'push') ?? [];
    const updates = history.events?.filter((event) => event.workflowExecutionUpdateAcceptedEventAttributes) ?? [];
    expect(signals).toHaveLength(1);
    expect(updates).toHaveLength(0);
    await h.temporal.workflow.getHandle(incrementalSyncWorkflowId(id)).terminate('test done');
  }, 60_000);
});
