import Fastify, { type FastifyInstance } from 'fastify';
import { registerApp } from './app.js';
import type { ApiDeps } from './deps.js';
import { formatValidationErrors } from './validation-message.js';

/** Log fields that may carry secrets; pino replaces them before anything is written. */
export const REDACTED_LOG_PATHS = [
  'req.headers.authorization',
  'req.headers["x-hub-signature-256"]',
  'req.headers.cookie',
  '*.token',
  '*.secret',
  '*.privateKey',
];

export interface BuildServerOptions {
  /** `stream`: where the log lines go instead of stdout (a test reading them). */
  logger?: boolean | { level: string; stream?: { write(line: string): void } };
}

/** Builds the Fastify instance with every route; the caller listens and closes it. */
export async function buildServer(deps: ApiDeps, options: BuildServerOptions = {}): Promise<FastifyInstance> {
  const { logger = { level: deps.config.logLevel } } = options;
  const fastify = Fastify({
    logger: logger === false ? false : { ...(logger === true ? {} : logger), redact: { paths: REDACTED_LOG_PATHS, censor: '[redacted]' } },
    bodyLimit: deps.config.bodyLimitBytes,
    // Validate strictly: unknown fields are errors, not silently dropped (see additionalProperties).
    // `verbose` hands each error the schema it failed, for messages that name the rule broken.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false, verbose: true } },
    schemaErrorFormatter: formatValidationErrors,
    requestIdHeader: 'x-request-id',
  });
  await registerApp(fastify, deps);
  return fastify;
}
