import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { pingDatabase } from '../../db/connection.js';

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

/**
 * The Temporal SDK's metrics of the workers in this process, from its own Prometheus exporter;
 * a comment instead when it does not answer, so the API's own metrics are still scraped.
 */
async function workerMetrics(url: string): Promise<string> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    if (!response.ok) return `# Temporal SDK metrics unavailable: ${url} answered ${response.status}\n`;
    return await response.text();
  } catch (error) {
    return `# Temporal SDK metrics unavailable: ${(error as Error).message}\n`;
  }
}

/** Liveness, readiness (each dependency checked and reported) and Prometheus metrics. */
export const healthRoutes: FastifyPluginAsync = async (fastify) => {
  const { db, temporal, blobs } = fastify.deps;

  fastify.get('/healthz', { schema: { hide: true, response: { 200: Type.Object({ ok: Type.Boolean() }) } } }, async () => ({ ok: true }));

  fastify.get('/readyz', { schema: { hide: true, response: { 200: ReadySchema, 503: ReadySchema } } }, async (_request, reply) => {
    const [database, temporalCheck, storage] = await Promise.all([
      check(() => pingDatabase(db)),
      check(() => temporal.workflowService.getSystemInfo({})),
      check(() => blobs.check()),
    ]);
    const ready = database.ok && temporalCheck.ok && storage.ok;
    return reply.status(ready ? 200 : 503).send({ ready, checks: { database, temporal: temporalCheck, storage } });
  });

  fastify.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    const own = await fastify.metrics.metrics();
    const { workerMetricsUrl } = fastify.deps;
    return reply.type(fastify.metrics.contentType).send(workerMetricsUrl ? `${own}\n${await workerMetrics(workerMetricsUrl)}` : own);
  });
};
