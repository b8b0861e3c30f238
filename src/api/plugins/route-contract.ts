import fp from 'fastify-plugin';
import { Type, type TSchema } from '@sinclair/typebox';
import type { RouteOptions } from 'fastify';

const ErrorRef = Type.Ref('Error');
/** A route that declares no query parameters accepts none. */
const NoQuerySchema = Type.Object({}, { additionalProperties: false });
const METHODS_WITHOUT_BODY = new Set(['GET', 'HEAD']);

/**
 * The error answers every route can give, documented where they can occur, so the OpenAPI
 * description is true without each route repeating them:
 * - 400 bad input (every route validates its query string, at least that it is empty);
 * - 401 a missing or wrong API key, on routes that declare `security`;
 * - 404 a resource its path names that does not exist, on routes with path parameters;
 * - 413 a body over the route's limit and 415 a content type without a parser, on every method
 *   that reads a body (Fastify reads one whenever a request carries it);
 * - 431 request headers over Node's limit, and 500, anywhere.
 * Answers only some routes give (409, 429) stay in those routes' own schemas.
 */
export const routeContractPlugin = fp(
  async (fastify) => {
    fastify.addHook('onRoute', (route: RouteOptions) => {
      const schema = route.schema as (Record<string, unknown> & { hide?: boolean; querystring?: TSchema; security?: unknown[]; response?: Record<string, unknown> }) | undefined;
      if (!schema || schema.hide) return;
      schema.querystring ??= NoQuerySchema;
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      const errors: Record<number, TSchema> = { 400: ErrorRef };
      if (schema.security?.length) errors[401] = ErrorRef;
      if (route.url.includes(':') || route.url.includes('*')) errors[404] = ErrorRef;
      if (methods.some((method) => !METHODS_WITHOUT_BODY.has(method))) Object.assign(errors, { 413: ErrorRef, 415: ErrorRef });
      Object.assign(errors, { 431: ErrorRef, 500: ErrorRef });
      schema.response = { ...errors, ...schema.response };
    });
  },
  { name: 'route-contract' },
);
