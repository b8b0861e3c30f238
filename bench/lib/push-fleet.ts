import type { ApiClient } from './api-client.js';
import { writeCommitChain, type ChainCommit } from './commit-chain.js';
import type { RepositoryJson } from './push-payload.js';
import { log } from './scenario.js';
import type { BenchServices } from './services.js';

export interface FleetProject {
  projectId: string;
  owner: string;
  repo: string;
  gitDir: string;
  repository: RepositoryJson;
  /** The imported commit, and the prepared commits pushes will move `main` along. */
  base: string;
  commits: ChainCommit[];
}

const OWNER = 'bench';

/**
 * `count` repositories in the emulator, each with `files` small files and a prepared chain of
 * `pushes` one-file commits, linked as projects (each with a token of its own, as separate
 * customers would have, so no one token's hourly rate limit is shared) and imported.
 */
export async function prepareFleet(services: BenchServices, api: ApiClient, { count, files, pushes }: { count: number; files: number; pushes: number }): Promise<FleetProject[]> {
  const { github } = services;
  const fleet: FleetProject[] = [];
  for (let i = 0; i < count; i += 1) {
    const repo = `repo-${String(i + 1).padStart(2, '0')}`;
    const { path: gitDir } = await github.repos.create(OWNER, repo, { defaultBranch: 'main' });
    const chain = await writeCommitChain(gitDir, { files, length: pushes, tag: repo });
    const token = `ghp_bench${String(i + 1).padStart(4, '0')}${'x'.repeat(27)}`;
    github.tokens.add(token);
    const response = await fetch(`${github.url}/repos/${OWNER}/${repo}`, { headers: { authorization: `token ${token}` } });
    if (!response.ok) throw new Error(`GET /repos/${OWNER}/${repo} answered ${response.status}`);
    const repository = (await response.json()) as RepositoryJson;
    const project = await api.link(OWNER, repo, token);
    fleet.push({ projectId: project.id, owner: OWNER, repo, gitDir, repository, base: chain.base, commits: chain.commits });
  }
  log(`linked ${count} projects of ${files} files (${pushes} prepared pushes each); importing them`);
  const started = performance.now();
  const imported = await Promise.all(fleet.map((project) => api.importProject(project.projectId)));
  imported.forEach((sha, i) => {
    if (sha !== fleet[i]!.base) throw new Error(`${fleet[i]!.repo} imported ${sha}, expected ${fleet[i]!.base}`);
  });
  log(`imported ${count} projects in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return fleet;
}
