import type { Project, ReposyncClient } from '@reposync/client';
import { expectOk } from './api-result.js';

const PAGE = 100;

/** Every project of the caller's tenant, a page at a time. */
export async function listAllProjects(client: ReposyncClient): Promise<Project[]> {
  const projects: Project[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = expectOk(await client.GET('/api/projects', { params: { query: { limit: PAGE, offset } } }), 'list projects');
    projects.push(...page.projects);
    if (page.projects.length < PAGE || projects.length >= page.total) return projects;
  }
}
