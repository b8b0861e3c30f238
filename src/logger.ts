import pino from 'pino';
import type { Config } from './config.js';

export type Logger = pino.Logger;

/** Structured JSON logs; anything that could carry a secret is redacted before it is written. */
export function createLogger(config: Pick<Config, 'logLevel'>, bindings: Record<string, unknown> = {}): Logger {
  return pino({
    level: config.logLevel,
    base: bindings,
    redact: { paths: ['token', '*.token', 'secret', '*.secret', 'authorization', '*.authorization', 'privateKey', '*.privateKey'], censor: '[redacted]' },
  });
}
