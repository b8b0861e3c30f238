import fp from 'fastify-plugin';
import type { FastifyError } from 'fastify';
import { allowedMethods } from '../allowed-methods.js';
import { HttpError } from '../http-error.js';

const codeByStatus: Record<number, string> = {
  400: 'bad-request',
  401: 'unauthorized',
  404: 'not-found',
  405: 'method-not-allowed',
  409: 'conflict',
  413: 'payload-too-large',
  415: 'unsupported-media-type',
  429: 'too-many-requests',
};

/**
 * The one error handler: 4xx errors reach the caller with a message naming the problem;
 * anything else is logged with its details and answered with a bare 500.
 */
export const errorHandlerPlugin = fp(
  async (fastify) => {
    fastify.setErrorHandler((error: FastifyError | HttpError, request, reply) => {
      if (error instanceof HttpError) {
        return reply.status(error.statusCode).send({ statusCode: error.statusCode, error: error.code, message: error.message });
      }
      const status = error.statusCode ?? 500;
      if (status >= 400 && status < 500) {
        const message = error.validation
          ? `invalid ${error.validationContext ?? 'request'}: ${error.message}`
          : error.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
            ? `the request body is larger than the ${request.routeOptions.bodyLimit ?? 'configured'} bytes ${request.method} ${request.routeOptions.url ?? 'this route'} accepts`
            : error.message;
        return reply.status(status).send({ statusCode: status, error: codeByStatus[status] ?? 'bad-request', message });
      }
      request.log.error({ err: error }, 'request failed');
      return reply.status(500).send({ statusCode: 500, error: 'internal', message: 'internal server error' });
    });
    // A path that exists under other methods is a 405 listing them (RFC 9110 §15.5.6), not a 404;
    // answered before the body is read, so a wrong method never costs a body's parsing.
    fastify.addHook('onRequest', async (request, reply) => {
      if (!request.is404) return;
      const path = request.url.split('?')[0]!;
      const allowed = allowedMethods(fastify, path);
      if (allowed.length === 0) return;
      return reply
        .status(405)
        .header('allow', allowed.join(', '))
        .send({ statusCode: 405, error: 'method-not-allowed', message: `${request.method} is not allowed on ${path}; allowed: ${allowed.join(', ')}` });
    });
    fastify.setNotFoundHandler((request, reply) =>
      reply.status(404).send({ statusCode: 404, error: 'not-found', message: `no route ${request.method} ${request.url.split('?')[0]}` }),
    );
  },
  { name: 'error-handler' },
);
