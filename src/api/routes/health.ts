import { Type } from '@sinclair/typebox';
import { sql } from 'kysely';
import type { FastifyPluginAsync } from 'fastify';

const CheckSchema = Type.Object({ ok: Type.Boolean(), error: Type.Optional(Type.String()) });
const ReadySchema = Type.Object({ ready: Type.Boolean(), checks: Type.Object({ database: CheckSchema, temporal: CheckSchema, storage: CheckSchema }) });

const READY_CHECK_TIMEOUT_MS = 3_000;

async function check(probe: () => Promise<unknown>): Promise<{ ok: boolean; error?: string }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${READY_CHECK_TIMEOUT_MS} ms`)), READY_CHECK_TIMEOUT_MS);
  });
  try {
    await Promise.race([probe(), timeout]);
    return { ok: true };
  } catch (error) {
    return { ok: false, error: (error as Error).message.split('\n')[0] ?? 'unreachable' };
  } finally {
    clearTimeout(timer);
  }
}

/** Liveness, readiness (each dependency checked and reported) and Prometheus metrics. */
export const healthRoutes: FastifyPluginAsync = async (fastify) => {
  const { db, temporal, blobs } = fastify.deps;

  fastify.get('/healthz', { schema: { hide: true, response: { 200: Type.Object({ ok: Type.Boolean() }) } } }, async () => ({ ok: true }));

  fastify.get('/readyz', { schema: { hide: true, response: { 200: ReadySchema, 503: ReadySchema } } }, async (_request, reply) => {
    const [database, temporalCheck, storage] = await Promise.all([
      check(() => sql`select 1`.execute(db)),
      check(() => temporal.workflowService.getSystemInfo({})),
      check(() => blobs.check()),
    ]);
    const ready = database.ok && temporalCheck.ok && storage.ok;
    return reply.status(ready ? 200 : 503).send({ ready, checks: { database, temporal: temporalCheck, storage } });
  });

  fastify.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    return reply.type(fastify.metrics.contentType).send(await fastify.metrics.metrics());
  });
};
