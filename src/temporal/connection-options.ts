import { readFileSync } from 'node:fs';
import type { Config } from '../config.js';

/** TLS settings for a Temporal cluster (Temporal Cloud uses mutual TLS). */
export function temporalTls(config: Config['temporal']) {
  const { tls } = config;
  if (!tls.enabled && !tls.certPath) return undefined;
  return {
    ...(tls.caPath ? { serverRootCACertificate: readFileSync(tls.caPath) } : {}),
    ...(tls.certPath && tls.keyPath ? { clientCertPair: { crt: readFileSync(tls.certPath), key: readFileSync(tls.keyPath) } } : {}),
  };
}
