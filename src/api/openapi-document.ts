import os from 'node:os';
import { loadConfig } from '../config.js';
import type { ApiDeps } from './deps.js';
import { buildServer } from './server.js';

/**
 * A stand-in for a service the API only touches while answering requests: building the routes
 * to describe them never calls it, and any use says so instead of failing obscurely.
 */
function notConnected<T>(service: string): T {
  return new Proxy({} as object, {
    get(_target, property) {
      // Probes for promises and inspection must not count as use.
      if (property === 'then' || typeof property === 'symbol') return undefined;
      throw new Error(`${service} is not connected: the OpenAPI document is built without services (read ${String(property)})`);
    },
  }) as T;
}

/** The OpenAPI document the API serves at /docs/json, built from the routes without any service. */
export async function buildOpenApiDocument(): Promise<object> {
  const config = loadConfig({ DATA_DIR: os.tmpdir(), LOG_LEVEL: 'silent' });
  const deps: ApiDeps = {
    config,
    db: notConnected('the database'),
    blobs: notConnected('blob storage'),
    temporal: notConnected('Temporal'),
    secrets: notConnected('the secret box'),
  };
  const app = await buildServer(deps, { logger: false });
  try {
    await app.ready();
    return app.swagger();
  } finally {
    await app.close();
  }
}
