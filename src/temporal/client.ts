import { Client, Connection } from '@temporalio/client';
import type { Config } from '../config.js';
import { temporalTls } from './connection-options.js';

/**
 * A Temporal client that connects on first use, so the API starts (and /readyz reports the
 * problem) even while Temporal is unreachable.
 */
export function createTemporalClient(config: Config['temporal'] & { address: string }): Client {
  const tls = temporalTls(config);
  const connection = Connection.lazy({ address: config.address, ...(tls ? { tls } : {}) });
  return new Client({ connection, namespace: config.namespace });
}
