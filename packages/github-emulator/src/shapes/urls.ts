/** Base addresses the emulator answers on; shapes build every `*_url` field from them like GitHub does. */
export interface Urls {
  /** REST API base, the `baseUrl` to give Octokit (stands for https://api.github.com). */
  api: string;
  /** Codeload-style archive host (stands for https://codeload.github.com). */
  codeload: string;
  /** Web base for `html_url` fields (stands for https://github.com). */
  web: string;
}

export function repoApiUrl(urls: Urls, owner: string, repo: string): string {
  return `${urls.api}/repos/${owner}/${repo}`;
}

export function repoWebUrl(urls: Urls, owner: string, repo: string): string {
  return `${urls.web}/${owner}/${repo}`;
}
