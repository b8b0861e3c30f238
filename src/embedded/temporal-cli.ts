import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const projectRoot = fileURLToPath(new URL('../../', import.meta.url));
const toolsBinary = path.join(projectRoot, '.tools', 'temporal', 'bin', 'temporal');

/**
 * Finds the `temporal` CLI: TEMPORAL_CLI_PATH when set (an explicit choice wins), then
 * PATH, then the project's tools folder, where it is installed from a package registry
 * (scripts/ensure-tools.sh). Returns undefined when none can be had, so the caller can fall back
 * to @temporalio/testing's own download as a last resort.
 */
export async function findTemporalCli({ cliPath, install = true }: { cliPath?: string | undefined; install?: boolean } = {}): Promise<string | undefined> {
  if (cliPath) {
    if (await isExecutable(cliPath)) return cliPath;
    throw new Error(`TEMPORAL_CLI_PATH points at ${cliPath}, which is not an executable file`);
  }
  for (const directory of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(directory, 'temporal');
    if (await isExecutable(candidate)) return candidate;
  }
  if (await isExecutable(toolsBinary)) return toolsBinary;
  if (!install) return undefined;
  try {
    await run('bash', [path.join(projectRoot, 'scripts', 'ensure-tools.sh'), 'temporal'], { cwd: projectRoot });
  } catch (error) {
    process.stderr.write(`could not install the temporal CLI from the package registry: ${(error as Error).message}\n`);
    return undefined;
  }
  return (await isExecutable(toolsBinary)) ? toolsBinary : undefined;
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
