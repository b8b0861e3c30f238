import { readFileSync } from 'node:fs';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { notFound } from '../http-error.js';

/** The page's own files, read once: a fixed list, so no request path ever reaches the filesystem. */
const ASSETS: Record<string, string> = {
  'status.css': 'text/css; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'api.js': 'text/javascript; charset=utf-8',
  'event-stream.js': 'text/javascript; charset=utf-8',
  'render.js': 'text/javascript; charset=utf-8',
  'duration-chart.js': 'text/javascript; charset=utf-8',
  'format.js': 'text/javascript; charset=utf-8',
  'favicon.svg': 'image/svg+xml',
};

/**
 * Only our own files run, nothing inline: scripts, styles and requests come from this origin and
 * the page cannot be framed. The key lives in sessionStorage, so an injected script is the one way
 * to steal it; this header closes that way. `form-action 'none'`: the key form is handled by
 * script, and a browser submitting it natively would put the key in the URL.
 */
export const STATUS_PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const read = (name: string) => readFileSync(new URL(`../../ui/${name}`, import.meta.url));

function secureHeaders(reply: FastifyReply, type: string): FastifyReply {
  return reply
    .type(type)
    .header('content-security-policy', STATUS_PAGE_CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('cache-control', 'no-cache');
}

const SettingsSchema = Type.Object({
  temporalUiUrl: Type.Union([Type.String(), Type.Null()]),
  namespace: Type.String(),
});

/**
 * The status page: public HTML and assets (hidden from the OpenAPI document, which describes the
 * API); every figure on it comes from the /api routes with the key the visitor enters.
 */
export const statusPageRoutes: FastifyPluginAsync = async (fastify) => {
  const { config } = fastify.deps;
  const page = read('index.html');
  const assets = new Map(Object.entries(ASSETS).map(([name, type]) => [name, { body: read(name), type }]));

  fastify.get('/', { schema: { hide: true } }, async (_request, reply) => secureHeaders(reply, 'text/html; charset=utf-8').send(page));

  fastify.get<{ Params: { file: string } }>(
    '/ui/:file',
    { schema: { hide: true, params: Type.Object({ file: Type.String({ maxLength: 64 }) }) } },
    async (request, reply) => {
      const asset = assets.get(request.params.file);
      if (!asset) throw notFound(`file ${request.params.file}`);
      return secureHeaders(reply, asset.type).send(asset.body);
    },
  );

  // What the page needs beyond the API's data: where a workflow's history can be opened.
  fastify.get(
    '/ui/settings.json',
    { onRequest: fastify.authenticate, schema: { hide: true, response: { 200: SettingsSchema } } },
    async () => ({ temporalUiUrl: config.temporal.uiUrl ?? null, namespace: config.temporal.namespace }),
  );
};
