import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CliError } from './cli-error.js';

export interface StoredLogin {
  url: string;
  apiKey: string;
}

/** `$XDG_CONFIG_HOME/reposync/config.json`, else `~/.config/reposync/config.json`. */
export function configFilePath(env: Record<string, string | undefined>): string {
  const base = env.XDG_CONFIG_HOME || path.join(env.HOME || os.homedir(), '.config');
  return path.join(base, 'reposync', 'config.json');
}

export async function readConfigFile(env: Record<string, string | undefined>): Promise<Partial<StoredLogin>> {
  const file = configFilePath(env);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new CliError(`cannot read ${file}: ${(error as Error).message}`, undefined, { cause: error });
  }
  try {
    const { url, apiKey } = JSON.parse(text) as Partial<StoredLogin>;
    return { ...(typeof url === 'string' ? { url } : {}), ...(typeof apiKey === 'string' ? { apiKey } : {}) };
  } catch (error) {
    throw new CliError(`${file} is not valid JSON: run reposync login again`, undefined, { cause: error });
  }
}

/** The key is a secret: the file is readable by its owner only (0600), also when it existed before. */
export async function writeConfigFile(env: Record<string, string | undefined>, login: StoredLogin): Promise<string> {
  const file = configFilePath(env);
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await writeFile(file, `${JSON.stringify(login, null, 2)}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  return file;
}
