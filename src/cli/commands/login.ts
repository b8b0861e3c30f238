import { expectOk } from '../api-result.js';
import { usageError } from '../cli-error.js';
import { writeJson, writeLine, type CliIo } from '../cli-io.js';
import type { CommandContext } from '../command-context.js';
import { readConfigFile, writeConfigFile } from '../config-file.js';
import { openClient } from '../open-client.js';

const DEFAULT_URL = 'http://127.0.0.1:3000';

export interface LoginOptions {
  url?: string;
  key?: string;
}

/** Checks the key against the API, then stores URL and key for the other commands. */
export async function login(context: CommandContext, options: LoginOptions): Promise<void> {
  const { io } = context;
  const stored = await readConfigFile(io.env);
  const url = options.url ?? io.env.REPOSYNC_URL ?? stored.url ?? DEFAULT_URL;
  if (!/^https?:\/\/[^\s]+$/.test(url)) throw usageError(`--url ${url}: expected an http(s) URL such as ${DEFAULT_URL}`);
  const apiKey = options.key ?? io.env.REPOSYNC_API_KEY ?? (await readKeyFromStdin(io));
  if (!apiKey) throw usageError('no API key: pass --key, set REPOSYNC_API_KEY, or pipe it on stdin');

  const client = openClient({ url, apiKey });
  const { total } = expectOk(await client.GET('/api/projects', { params: { query: { limit: 1, offset: 0 } } }), `log in to ${url}`);
  const file = await writeConfigFile(io.env, { url, apiKey });
  if (context.json) writeJson(io, { url, projects: total, configFile: file });
  else writeLine(io.stdout, `logged in to ${url} (${total} project${total === 1 ? '' : 's'}); saved in ${file}`);
}

/** The first line of stdin; at a terminal, asks for it on stderr first. */
async function readKeyFromStdin(io: CliIo): Promise<string> {
  if (io.stdin.isTTY) io.stderr.write('API key: ');
  let text = '';
  for await (const chunk of io.stdin) {
    text += String(chunk);
    if (text.includes('\n')) break;
  }
  return text.split(/\r?\n/)[0]!.trim();
}
