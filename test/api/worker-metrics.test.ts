import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/api/server.js';
import { freePort } from '../../src/embedded/wait-for-port.js';
import { streamingTaskQueue } from '../../src/shared/task-queue.js';
import { installWorkerRuntime, workerMetricsUrl } from '../../src/temporal/runtime.js';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';

let h: SyncHarness;
let app: FastifyInstance;

beforeAll(async () => {
  // The runtime is process-wide and installed once: before the harness's workers exist.
  const metricsAddress = `127.0.0.1:${await freePort()}`;
  installWorkerRuntime({ logLevel: 'WARN', metricsAddress });
  h = await startSyncHarness({ env: { STREAMING_ACTIVITY_SLOTS: '3' } });
  app = await buildServer({ config: h.config, db: h.db, blobs: h.blobs, temporal: h.temporal, secrets: h.secrets, workerMetricsUrl: workerMetricsUrl(metricsAddress) }, { logger: false });
});
afterAll(async () => {
  await app?.close();
  await h?.close();
});

/** The value of a metric sample whose labels include every one given, or undefined. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('/metrics', () => {
  it("serves the Temporal SDK's worker metrics with the API's own: the streaming queue shows its configured slots", async () => {
    const streaming = { task_queue: streamingTaskQueue(h.config.temporal.taskQueue), worker_type: 'ActivityWorker' };
    const deadline = Date.now() + 30_000;
    let text = '';
    while (sample(text, 'temporal_worker_task_slots_available', streaming) === undefined && Date.now() < deadline) {
      await sleep(200);
      const response = await app.inject({ method: 'GET', url: '/metrics' });
      expect(response.statusCode).toBe(200);
      text = response.body;
    }
    expect(text).toContain('reposync_http_requests_total');
    expect(sample(text, 'temporal_worker_task_slots_available', streaming)).toBe(3);
    // The workflow queue's activity slots are the SDK's default, apart from the streaming ones.
    expect(sample(text, 'temporal_worker_task_slots_available', { task_queue: h.config.temporal.taskQueue, worker_type: 'ActivityWorker' })).toBeGreaterThan(3);
  });

  it('still serves its own metrics, with a note, when the SDK exporter does not answer', async () => {
    const alone = await buildServer({ config: h.config, db: h.db, blobs: h.blobs, temporal: h.temporal, secrets: h.secrets, workerMetricsUrl: `http://127.0.0.1:${await freePort()}/metrics` }, { logger: false });
    const response = await alone.inject({ method: 'GET', url: '/metrics' });
    await alone.close();
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('reposync_api_process_cpu_seconds_total');
    expect(response.body).toContain('# Temporal SDK metrics unavailable');
  });
});
