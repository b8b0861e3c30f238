import { expectOk } from '../api-result.js';
import { usageError } from '../cli-error.js';
import { writeJson, writeLine } from '../cli-io.js';
import type { CommandContext } from '../command-context.js';

export interface LinkOptions {
  branch?: string;
  token?: string;
  installation?: string;
}

/** Links a GitHub repository branch as a project and prints the project's id. */
export async function link(context: CommandContext, repository: string, options: LinkOptions): Promise<void> {
  const match = /^([^/\s]+)\/([^/\s]+)$/.exec(repository);
  if (!match) throw usageError(`repository "${repository}": expected owner/repo`);
  if (options.token !== undefined && options.installation !== undefined) throw usageError('give either --token or --installation, not both');
  let installationId: number | undefined;
  if (options.installation !== undefined) {
    installationId = Number(options.installation);
    if (!Number.isInteger(installationId) || installationId < 1) throw usageError(`--installation ${options.installation}: expected a GitHub App installation id (a positive integer)`);
  }
  const [, owner, repo] = match as unknown as [string, string, string];
  const client = await context.client();
  const body = {
    owner,
    repo,
    ...(options.branch !== undefined ? { branch: options.branch } : {}),
    ...(options.token !== undefined ? { token: options.token } : {}),
    ...(installationId !== undefined ? { installationId } : {}),
  };
  const project = expectOk(await client.POST('/api/projects', { body }), `link ${owner}/${repo}`);
  if (context.json) writeJson(context.io, project);
  else writeLine(context.io.stdout, project.id);
}
