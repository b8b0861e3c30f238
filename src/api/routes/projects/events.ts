import type { FastifyPluginAsync } from 'fastify';
import { setTimeout as sleep } from 'node:timers/promises';
import { changeMarksRepository, type ChangeKind, type ChangeMarks } from '../../../db/repositories/change-marks.js';
import { notFound } from '../../http-error.js';
import { IdParamsSchema, type IdParams } from '../../schemas/common.js';
import { changedKinds } from './changed-kinds.js';
import { loadProject } from './load-project.js';

const tags = ['projects'];
const security = [{ apiKey: [] }];
/** How often a stream reads the project's change marks: one statement per stream per tick. */
const EVENTS_POLL_MS = 1_000;
/** Proxies and load balancers commonly drop a connection idle for 30 to 60 s; a comment keeps it open. */
const KEEP_ALIVE_MS = 15_000;

const DESCRIPTION = [
  'A Server-Sent Events stream that tells a dashboard when the project changes, so it re-reads only what changed.',
  'It opens with `event: ready`, `data: {"counts":{"refs":…,"commits":…,"issues":…,"pullRequests":…,"comments":…,"releases":…},"sync":{"status":…},"at":…}`.',
  'Then, about once a second at most, `event: changed`, `data: {"kinds":[…],"at":…}` names what changed since the previous message:',
  '`refs`, `commits`, `issues`, `pullRequests`, `comments`, `releases` (rows added, updated or removed) and `sync` (the sync status, error or synced commit).',
  'A `: keep-alive` comment is sent after 15 s without a message. The stream runs until the client closes it or the project is unlinked.',
].join(' ');

export interface ProjectReadyEvent {
  counts: ChangeMarks['counts'];
  sync: { status: string };
  at: string;
}

export interface ProjectChangedEvent {
  kinds: ChangeKind[];
  at: string;
}

/** GET /api/projects/:id/events: what changed in a project, as it changes. */
export const projectEventRoutes: FastifyPluginAsync = async (fastify) => {
  const { db } = fastify.deps;
  const marks = changeMarksRepository(db);
  // An open stream would otherwise hold the server's shutdown until its client went away.
  const open = new Set<AbortController>();
  fastify.addHook('preClose', async () => {
    for (const stream of open) stream.abort();
  });

  fastify.get<{ Params: IdParams }>(
    '/api/projects/:id/events',
    {
      schema: { tags, security, summary: 'Server-Sent Events naming what changed in the project', description: DESCRIPTION, params: IdParamsSchema, produces: ['text/event-stream'] },
    },
    async (request, reply) => {
      const project = await loadProject(db, request);
      // Read before the stream opens, so a failure still answers with an ordinary error.
      let previous = await marks.forProject(project.id);
      if (!previous) throw notFound(`project ${request.params.id}`);

      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
      const stop = new AbortController();
      open.add(stop);
      request.raw.once('close', () => stop.abort());
      let lastWrite = Date.now();
      const write = (text: string) => {
        raw.write(text);
        lastWrite = Date.now();
      };
      const send = (event: string, data: ProjectReadyEvent | ProjectChangedEvent) => write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);

      send('ready', { counts: previous.counts, sync: { status: previous.syncStatus }, at: new Date().toISOString() });
      try {
        while (!stop.signal.aborted) {
          await sleep(EVENTS_POLL_MS, undefined, { signal: stop.signal }).catch(() => {});
          if (stop.signal.aborted) break;
          const current = await marks.forProject(project.id);
          if (!current) break;
          const kinds = changedKinds(previous.marks, current.marks);
          previous = current;
          if (kinds.length > 0) send('changed', { kinds, at: new Date().toISOString() });
          else if (Date.now() - lastWrite >= KEEP_ALIVE_MS) write(': keep-alive\n\n');
        }
      } catch (error) {
        // The client reconnects (EventSource does so by itself) and starts again from `ready`.
        request.log.warn({ err: error, projectId: project.id }, 'project event stream ended by an error');
      } finally {
        open.delete(stop);
        // The connection is not reused after a stream: closing it lets a server that is shutting
        // down finish at once rather than wait out the keep-alive timeout of a connection it
        // found busy when it began to close.
        raw.end(() => request.raw.socket.destroy());
      }
    },
  );
};
