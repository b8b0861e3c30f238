import type { FastifyPluginAsync } from 'fastify';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ChildRun } from '../../../shared/project-writer.js';
import { conflictResponse, IdParamsSchema, type IdParams } from '../../schemas/common.js';
import { SyncStartedSchema, SyncStatusSchema, type SyncStarted } from '../../schemas/sync.js';
import { followProject, requestInitialSync } from '../../../temporal/project-writer.js';
import { httpError } from '../../http-error.js';
import { IdempotencyHeadersSchema, idempotencyHooks, idempotencyResponses } from '../../idempotency/idempotency-key.js';
import { loadProject } from './load-project.js';
import { presentOutbound, presentSyncStatus } from '../../presenters/sync-status.js';
import { liveSyncStatus } from '../../../temporal/live-sync-status.js';
import { withStoredProgress } from '../../../temporal/with-stored-progress.js';
import { projectSyncStateRepository } from '../../../db/repositories/project-sync-state.js';
import { syncOperationsRepository } from '../../../db/repositories/sync-operations.js';
import { writerJobsRepository } from '../../../db/repositories/writer-jobs.js';

const tags = ['sync'];
const security = [{ apiKey: [] }];
const SSE_POLL_MS = 500;
/**
 * How long the stream waits for a job the writer has accepted but not started while nothing else
 * runs: a polling worker starts it within moments, and without one the stream would never end.
 */
const QUEUED_START_GRACE_MS = 2_000;

/** Starting a sync and watching it: the API only starts workflows, it never syncs inline. */
export const syncRoutes: FastifyPluginAsync = async (fastify) => {
  const { db, temporal, config } = fastify.deps;
  const idempotent = idempotencyHooks(db);

  fastify.post<{ Params: IdParams }>(
    '/api/projects/:id/sync/initial',
    {
      ...idempotent,
      schema: { tags, security, summary: 'Start the initial import', params: IdParamsSchema, headers: IdempotencyHeadersSchema, response: { 202: SyncStartedSchema, ...idempotencyResponses } },
    },
    async (request, reply) => {
      const project = await loadProject(db, request);
      // Marked before asking, so a child that finishes at once is never overwritten with `pending`.
      const syncState = projectSyncStateRepository(db);
      const marked = await syncState.markPending(project.id);
      let child: ChildRun;
      try {
        // Accepted at once; the project's writer runs the import as soon as any sync in progress ends.
        child = await requestInitialSync(temporal, db, config, project);
      } catch (error) {
        if (marked) await syncState.restore(project);
        throw error;
      }
      const workflowId = child.workflowId;
      const started: SyncStarted = { syncId: null, workflowId, status: 'pending', alreadyRunning: child.alreadyRunning };
      request.log.info({ projectId: project.id, workflowId, alreadyRunning: started.alreadyRunning }, 'initial sync requested');
      return reply.status(202).send(started);
    },
  );

  fastify.post<{ Params: IdParams }>(
    '/api/projects/:id/sync',
    {
      ...idempotent,
      schema: { tags, security, summary: 'Sync the latest commit now (incremental)', params: IdParamsSchema, headers: IdempotencyHeadersSchema, response: { 202: SyncStartedSchema, ...conflictResponse, ...idempotencyResponses } },
    },
    async (request, reply) => {
      const project = await loadProject(db, request);
      if (!project.current_snapshot_id) throw httpError(409, 'conflict', 'initial sync required: POST /api/projects/:id/sync/initial first');
      // A retry whose first answer was lost (the key is freed on a 5xx) is the same update again.
      const key = request.idempotencyKey;
      const { workflowId, runId } = await followProject(temporal, config, project, { source: 'api' }, key === undefined ? {} : { updateId: `idempotency-key:${request.caller.tenantId}:${key}` });
      return reply.status(202).send({ syncId: runId, workflowId, status: 'pending', alreadyRunning: false });
    },
  );

  fastify.get<{ Params: IdParams }>(
    '/api/projects/:id/sync/status',
    {
      schema: { tags, security, summary: 'Sync status, live while a sync runs', params: IdParamsSchema, response: { 200: SyncStatusSchema } },
    },
    async (request) => {
      const project = await loadProject(db, request);
      const [live, outbound] = await Promise.all([liveSyncStatus(temporal, project.id).then((found) => withStoredProgress(db, found)), syncOperationsRepository(db).latestOutbound(project.id)]);
      return { ...presentSyncStatus(project, live), lastOutbound: outbound ? presentOutbound(outbound) : null };
    },
  );

  fastify.get<{ Params: IdParams }>(
    '/api/projects/:id/sync/events',
    {
      schema: { tags, security, summary: 'Server-Sent Events with progress while a sync runs', params: IdParamsSchema, produces: ['text/event-stream'] },
    },
    async (request, reply) => {
      const project = await loadProject(db, request);
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
      let closed = false;
      request.raw.once('close', () => (closed = true));
      const send = (event: string, data: unknown) => raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      let last = '';
      const opened = Date.now();
      // Polls the workflow query and the stored progress, forwards each change; ends once no sync is running.
      while (!closed) {
        const live = await liveSyncStatus(temporal, project.id)
          .then((found) => withStoredProgress(db, found))
          .catch(() => undefined);
        const current = (await loadProject(db, request).catch(() => undefined)) ?? project;
        const status = presentSyncStatus(current, live);
        const serialized = JSON.stringify(status);
        // A job the writer has accepted but not started yet is not over: the stream waits a moment for it.
        const awaitingStart = !live?.running && Date.now() - opened < QUEUED_START_GRACE_MS && (await writerJobsRepository(db).anyFor(project.id).catch(() => false));
        if (!live?.running && !awaitingStart) {
          send('done', status);
          break;
        }
        if (serialized !== last) send('progress', status);
        last = serialized;
        await sleep(SSE_POLL_MS);
      }
      raw.end();
    },
  );
};
