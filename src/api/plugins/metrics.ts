import fp from 'fastify-plugin';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { registerCredentialBudgetMetrics } from '../credential-budget-metrics.js';
import { registerPollMetrics } from '../poll-metrics.js';

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Registry;
  }
}

/** Prometheus metrics for the API process, served at /metrics. */
export const metricsPlugin = fp(
  async (fastify) => {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry, prefix: 'reposync_api_' });
    const requests = new Counter({
      name: 'reposync_http_requests_total',
      help: 'HTTP requests by route and status',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    });
    const duration = new Histogram({
      name: 'reposync_http_request_duration_seconds',
      help: 'HTTP request duration by route',
      labelNames: ['method', 'route'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    });
    registerPollMetrics(registry, fastify.deps.db, fastify.log);
    registerCredentialBudgetMetrics(registry, fastify.deps.db, fastify.log);
    fastify.decorate('metrics', registry);
    fastify.addHook('onResponse', async (request, reply) => {
      // The route pattern, not the URL, so ids do not explode the label space.
      const route = request.routeOptions.url ?? 'unmatched';
      requests.inc({ method: request.method, route, status: String(reply.statusCode) });
      duration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
    });
  },
  { name: 'metrics', dependencies: ['deps'] },
);
