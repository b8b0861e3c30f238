import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from './deps.js';
import { authPlugin } from './plugins/auth.js';
import { depsPlugin } from './plugins/deps.js';
import { errorHandlerPlugin } from './plugins/error-handler.js';
import { metricsPlugin } from './plugins/metrics.js';
import { routeContractPlugin } from './plugins/route-contract.js';
import { webhookWorkersPlugin } from './plugins/webhook-workers.js';
import { apiKeyRoutes } from './routes/api-key-routes.js';
import { healthRoutes } from './routes/health.js';
import { statusPageRoutes } from './routes/status-page.js';
import { webhookRoutes } from './routes/webhooks.js';
import { ErrorSchema } from './schemas/common.js';
import { IssueSchema } from './schemas/metadata.js';
import { FleetSchema } from './schemas/fleets.js';
import { ProjectSchema } from './schemas/projects.js';
import { PullSchema } from './schemas/pulls.js';
import { OperationSchema } from './schemas/sync.js';

/** Plugin order: external plugins, then our decorators, then routes (fastify/demo's layout). */
export async function registerApp(fastify: FastifyInstance, deps: ApiDeps): Promise<void> {
  await fastify.register(swagger, {
    openapi: {
      info: { title: 'reposync', version: '0.1.0', description: 'Import GitHub repositories, follow every push, commit edits back.' },
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'An API key: Authorization: Bearer <key>' } } },
    },
  });
  await fastify.register(swaggerUi, { routePrefix: '/docs' });

  fastify.addSchema(ErrorSchema);
  fastify.addSchema(ProjectSchema);
  fastify.addSchema(FleetSchema);
  fastify.addSchema(OperationSchema);
  fastify.addSchema(IssueSchema);
  fastify.addSchema(PullSchema);

  await fastify.register(routeContractPlugin);
  await fastify.register(depsPlugin, { deps });
  await fastify.register(errorHandlerPlugin);
  await fastify.register(metricsPlugin);
  await fastify.register(authPlugin);
  await fastify.register(webhookWorkersPlugin);

  await fastify.register(healthRoutes);
  await fastify.register(apiKeyRoutes);
  await fastify.register(webhookRoutes);
  await fastify.register(statusPageRoutes);
}
