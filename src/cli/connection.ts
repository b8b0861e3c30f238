import { authError } from './cli-error.js';
import type { CliIo } from './cli-io.js';
import { readConfigFile, type StoredLogin } from './config-file.js';

/** REPOSYNC_URL and REPOSYNC_API_KEY override what `reposync login` stored. */
export async function resolveConnection(io: CliIo): Promise<StoredLogin> {
  const stored = await readConfigFile(io.env);
  const url = io.env.REPOSYNC_URL || stored.url;
  const apiKey = io.env.REPOSYNC_API_KEY || stored.apiKey;
  if (!url || !apiKey) throw authError('not logged in: run `reposync login` (or set REPOSYNC_URL and REPOSYNC_API_KEY)');
  return { url, apiKey };
}
