import { defaultPathSerializer } from 'openapi-fetch';

const WILDCARD = '{*}';

/**
 * Fills a path template. Fastify's wildcard `*` (a file path such as `docs/guide.md`) is the rest
 * of the URL with its slashes kept, each segment encoded; openapi-fetch would read `{*}` as an
 * exploded parameter without a name and leave it in the URL, so it is filled here first.
 */
export function serializePath(pathname: string, pathParams: Record<string, unknown>): string {
  const rest = pathParams['*'];
  const filled = pathname.includes(WILDCARD) && typeof rest === 'string' ? pathname.replace(WILDCARD, rest.split('/').map(encodeURIComponent).join('/')) : pathname;
  return defaultPathSerializer(filled, pathParams);
}
