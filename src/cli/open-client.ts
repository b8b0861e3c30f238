import { createReposyncClient, type ReposyncClient } from '@reposync/client';
import { CliError } from './cli-error.js';
import type { StoredLogin } from './config-file.js';

/** The typed client, with "cannot reach" errors that name the URL instead of undici's "fetch failed". */
export function openClient(login: StoredLogin): ReposyncClient {
  const reach: typeof fetch = async (input, init) => {
    try {
      return await fetch(input, init);
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new CliError(`cannot reach reposync at ${login.url}: ${cause?.code ?? cause?.message ?? (error as Error).message}`, undefined, { cause: error });
    }
  };
  return createReposyncClient({ baseUrl: login.url, apiKey: login.apiKey, fetch: reach });
}
