import type { Fleet } from '../db/repositories/fleets.js';
import type { GitHubClients } from '../github/project-client.js';
import { listedRepository, type ListedRepository } from './repository-selection.js';

const PER_PAGE = 100;

/** The credential columns a fleet shares with a project: its installation, or its organisation token. */
export function fleetCredential(fleet: Pick<Fleet, 'installation_id' | 'token_ciphertext'>) {
  return fleet.installation_id !== null
    ? { auth_kind: 'app' as const, installation_id: fleet.installation_id, token_ciphertext: null }
    : { auth_kind: 'token' as const, installation_id: null, token_ciphertext: fleet.token_ciphertext };
}

/**
 * The fleet's repositories, a page at a time: `GET /installation/repositories` for an
 * installation (exactly the repositories it was granted), `GET /orgs/{org}/repos?type=all` for
 * an organisation. Items that are not repositories we can link are counted in `skipped`.
 */
export async function* listFleetRepositories(github: GitHubClients, fleet: Fleet): AsyncGenerator<{ repositories: ListedRepository[]; skipped: number }> {
  const { octokit } = await github(fleetCredential(fleet), { priority: 'bulk' });
  const pages =
    fleet.installation_id !== null
      ? octokit.paginate.iterator('GET /installation/repositories', { per_page: PER_PAGE })
      : octokit.paginate.iterator('GET /orgs/{org}/repos', { org: fleet.org!, type: 'all', per_page: PER_PAGE });
  for await (const page of pages) {
    const items: unknown[] = Array.isArray(page.data) ? page.data : [];
    const repositories = items.map(listedRepository).filter((r): r is ListedRepository => r !== null);
    yield { repositories, skipped: items.length - repositories.length };
  }
}
