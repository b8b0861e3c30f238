import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { ProjectGitHub } from './project-client.js';

export class HttpStatusError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpStatusError';
  }
}

/**
 * Opens the zipball of `ref` as a byte stream. GitHub answers the API request with a 302 to
 * codeload (https://docs.github.com/rest/repos/contents#download-a-repository-archive-zip); Octokit
 * would follow it and buffer the whole archive, so we take the Location ourselves and stream it.
 * The credential is not forwarded to the other host: the Location carries its own access.
 */
export async function openZipball(github: ProjectGitHub, owner: string, repo: string, ref: string): Promise<{ stream: Readable; url: string }> {
  const response = await github.octokit.request('GET /repos/{owner}/{repo}/zipball/{ref}', {
    owner,
    repo,
    ref,
    request: { redirect: 'manual' },
  });
  const location = (response.headers as Record<string, string | undefined>).location;
  if (!location) throw new HttpStatusError(502, `GitHub gave no archive location for ${owner}/${repo}@${ref} (status ${response.status})`);
  github.requests.count += 1;
  const archive = await github.fetch(location, { redirect: 'follow' });
  if (!archive.ok || !archive.body) {
    throw new HttpStatusError(archive.status, `archive download for ${owner}/${repo}@${ref} failed with HTTP ${archive.status}`, Object.fromEntries(archive.headers));
  }
  return { stream: Readable.fromWeb(archive.body as WebReadableStream<Uint8Array>), url: new URL(location).origin };
}

/** A blob's raw bytes from the blobs API, streamed (the raw media type avoids base64 in memory). */
export async function openBlob(github: ProjectGitHub, apiUrl: string, owner: string, repo: string, sha: string): Promise<Readable> {
  // Octokit would buffer the body, so this request goes around it and is counted by hand.
  github.requests.count += 1;
  const url = `${apiUrl.replace(/\/$/, '')}/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}/git/blobs/${sha}`;
  const response = await github.fetch(url, { headers: { authorization: await github.authorization(), accept: 'application/vnd.github.raw+json', 'user-agent': 'reposync' } });
  if (!response.ok || !response.body) {
    throw new HttpStatusError(response.status, `blob ${sha} of ${owner}/${repo}: HTTP ${response.status}`, Object.fromEntries(response.headers));
  }
  return Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
}
