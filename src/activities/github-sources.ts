import { openBlob, openZipball } from '../github/archive-download.js';
import type { ProjectGitHub } from '../github/project-client.js';
import type { ImportSources } from '../sync/import-types.js';

/** Where an import takes bytes from: the commit's zipball, and the blobs API by SHA. */
export function githubSources(client: ProjectGitHub, apiUrl: string, head: { owner: string; repo: string; commitSha: string }): ImportSources {
  const { owner, repo, commitSha } = head;
  return {
    openArchive: async () => (await openZipball(client, owner, repo, commitSha)).stream,
    openBlob: (sha) => openBlob(client, apiUrl, owner, repo, sha),
  };
}
