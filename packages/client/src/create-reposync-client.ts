import createClient, { type Client } from 'openapi-fetch';
import type { paths } from './schema.js';
import { serializePath } from './serialize-path.js';

export type ReposyncClient = Client<paths>;

export interface ReposyncClientOptions {
  /** Where the API listens, e.g. http://127.0.0.1:3000 (no trailing /api). */
  baseUrl: string;
  /** An API key; sent on every request as `Authorization: Bearer <key>`. */
  apiKey: string;
  /** A fetch implementation to use instead of the global one. */
  fetch?: typeof globalThis.fetch;
}

/** A typed client of the reposync REST API: every path, parameter and body checked against its OpenAPI document. */
export function createReposyncClient(options: ReposyncClientOptions): ReposyncClient {
  const { baseUrl, apiKey, fetch } = options;
  return createClient<paths>({
    baseUrl: baseUrl.replace(/\/+$/, ''),
    headers: { authorization: `Bearer ${apiKey}` },
    pathSerializer: serializePath,
    ...(fetch ? { fetch } : {}),
  });
}
