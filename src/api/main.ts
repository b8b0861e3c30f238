import { fileURLToPath } from 'node:url';
import { loadConfig } from '../config.js';
import { createLogger } from '../logger.js';
import { runMain } from '../run-main.js';
import { ensureAdminApiKey, openServices } from '../services.js';
import { stopOnSignals } from '../stop-on-signals.js';
import { createTemporalClient } from '../temporal/client.js';
import { buildServer } from './server.js';

/** `npm run api`: the API process for production, closed gracefully on SIGINT/SIGTERM. */
async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.temporal.address) throw new Error('TEMPORAL_ADDRESS is required for a standalone API (npm start runs an embedded one)');
  const stopper = stopOnSignals(createLogger(config, { component: 'api' }));
  const services = await openServices(config);
  stopper.defer({ name: 'storage and database', timeoutMs: 3_000, run: () => services.close() });
  await ensureAdminApiKey(config, services.db);
  const temporal = createTemporalClient({ ...config.temporal, address: config.temporal.address });
  stopper.defer({ name: 'temporal client', timeoutMs: 2_000, run: () => temporal.connection.close() });
  const server = await buildServer({ config, db: services.db, blobs: services.blobs, temporal, secrets: services.secrets });
  stopper.defer({ name: 'api', timeoutMs: 5_000, run: () => server.close() });
  await server.listen({ port: config.port, host: config.host });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) runMain(main);
