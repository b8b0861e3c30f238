import type { FastifySchemaValidationError, FastifyServerOptions } from 'fastify';
import { STORABLE_TEXT_PATTERN } from './schemas/text.js';

/**
 * Fastify's schemaErrorFormatter: `<where><field> <problem>` for each error, in words a caller
 * can act on where Ajv's own would only quote the schema. Needs Ajv's `verbose` option, which
 * hands each error the schema it failed.
 */
export const formatValidationErrors: NonNullable<FastifyServerOptions['schemaErrorFormatter']> = (errors, dataVar) =>
  new Error(errors.map((error) => `${dataVar}${error.instancePath} ${problemOf(error)}`).join(', '));

function problemOf(error: FastifySchemaValidationError): string {
  const { keyword, params } = error;
  if (keyword === 'pattern' && params.pattern === STORABLE_TEXT_PATTERN) return 'must not contain NUL characters or unpaired UTF-16 surrogates';
  const schema = (error as { schema?: unknown }).schema;
  if (keyword === 'not' && isRequiredList(schema)) return `must give either ${schema.required.join(' or ')}, not both`;
  if (keyword === 'additionalProperties') return `must not have the unknown property '${String(params.additionalProperty)}'`;
  return error.message ?? 'is invalid';
}

function isRequiredList(schema: unknown): schema is { required: string[] } {
  return typeof schema === 'object' && schema !== null && Array.isArray((schema as { required?: unknown }).required);
}
