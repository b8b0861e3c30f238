import { fileURLToPath } from 'node:url';
import { loadConfig } from '../config.js';
import { runMain } from '../run-main.js';
import { ensureAdminApiKey, openServices } from '../services.js';
import { createTemporalClient } from '../temporal/client.js';
import { buildServer } from './server.js';

/** `npm run api`: the API process for production, closed gracefully on SIGINT/SIGTERM. */
async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.temporal.address) throw new Error('TEMPORAL_ADDRESS is required for a standalone API (npm start runs an embedded one)');
  const services = await openServices(config);
  await ensureAdminApiKey(config, services.db);
  const temporal = createTemporalClient({ ...config.temporal, address: config.temporal.address });
  const server = await buildServer({ config, db: services.db, blobs: services.blobs, temporal, secrets: services.secrets });
  await server.listen({ port: config.port, host: config.host });
  const stop = async () => {
    await server.close();
    await temporal.connection.close();
    await services.close();
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) runMain(main);
