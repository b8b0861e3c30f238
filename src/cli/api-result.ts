import { authError, CliError } from './cli-error.js';

interface FetchResult<Data> {
  data?: Data;
  error?: unknown;
  response: Response;
}

/**
 * The answer's body when the API said yes; otherwise one CliError naming what was asked and the
 * API's own message: exit 3 for a refused key (401/403), 1 for anything else.
 */
export function expectOk<Data>(result: FetchResult<Data>, what: string): Data {
  const { response } = result;
  if (response.ok) return result.data as Data;
  const message = (result.error as { message?: string } | undefined)?.message ?? response.statusText;
  if (response.status === 401 || response.status === 403) {
    throw authError(`${what}: the API refused the key (${response.status}): ${message}; run \`reposync login\``);
  }
  throw new CliError(`${what}: ${response.status} ${message}`);
}
