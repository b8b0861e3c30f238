import type { Project, ReposyncClient } from '@reposync/client';
import { expectOk } from './api-result.js';
import { CliError, usageError } from './cli-error.js';
import { listAllProjects } from './list-all-projects.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const OWNER_REPO = /^([^/\s]+)\/([^/\s]+)$/;

/** `<project>` is a project id, or `owner/repo` when exactly one project links that repository. */
export async function resolveProject(client: ReposyncClient, reference: string): Promise<Project> {
  if (UUID.test(reference)) {
    return expectOk(await client.GET('/api/projects/{id}', { params: { path: { id: reference } } }), `project ${reference}`);
  }
  const match = OWNER_REPO.exec(reference);
  if (!match) throw usageError(`project "${reference}": expected a project id or owner/repo`);
  const [, owner, repo] = match as unknown as [string, string, string];
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  const linked = (await listAllProjects(client)).filter((project) => same(project.owner, owner) && same(project.repo, repo));
  if (linked.length === 0) throw new CliError(`no project links ${owner}/${repo}: link it with \`reposync link ${owner}/${repo}\``);
  if (linked.length > 1) {
    const choices = linked.map((project) => `${project.id} (${project.branch ?? project.defaultBranch ?? 'default branch'})`).join(', ');
    throw usageError(`${owner}/${repo} is linked by ${linked.length} projects, give one id: ${choices}`);
  }
  return linked[0]!;
}
