import type { Config } from '../config.js';
import type { SecretBox } from '../crypto/secret-box.js';
import type { Project } from '../db/repositories/projects.js';
import { createInstallationTokens, type InstallationTokens } from './installation-tokens.js';
import { createOctokit, type ReposyncOctokit } from './octokit.js';
import { countRequests, type RequestCounter } from './request-counter.js';
import { timedFetch } from './timed-fetch.js';

export class NoCredentialsError extends Error {
  readonly code = 'no-credentials';
  constructor(message: string) {
    super(message);
    this.name = 'NoCredentialsError';
  }
}

export interface ProjectGitHub {
  octokit: ReposyncOctokit;
  requests: RequestCounter;
  /** Headers for requests made outside Octokit (the archive download). */
  authorization(): Promise<string>;
  /** `fetch` with the same deadlines as Octokit's requests, for the downloads made around it. */
  fetch: typeof fetch;
}

export type GitHubClients = (project: Pick<Project, 'auth_kind' | 'installation_id' | 'token_ciphertext'>) => Promise<ProjectGitHub>;

/**
 * Builds an authenticated Octokit for a project: its personal access token, or a token of its
 * GitHub App installation. An App token GitHub rejects with 401 is replaced once and the request
 * retried, since a revoked or rotated token is not the project's fault.
 */
export function createGitHubClients(options: { config: Config['github']; secrets: SecretBox; log?: { warn(message: string): void } }): GitHubClients {
  const { config, secrets, log } = options;
  const { requestTimeouts } = config;
  const fetch = timedFetch(requestTimeouts);
  const installationTokens: InstallationTokens | undefined =
    config.appId !== undefined && config.appPrivateKey !== undefined
      ? createInstallationTokens({ appId: config.appId, privateKey: config.appPrivateKey, baseUrl: config.apiUrl, requestTimeouts })
      : undefined;

  return async (project) => {
    if (project.auth_kind === 'token' && project.token_ciphertext) {
      const token = secrets.open(project.token_ciphertext);
      const octokit = createOctokit({ baseUrl: config.apiUrl, auth: token, requestTimeouts, ...(log ? { log } : {}) });
      return { octokit, requests: countRequests(octokit), authorization: async () => `token ${token}`, fetch };
    }
    if (project.auth_kind === 'app' && project.installation_id !== null) {
      if (!installationTokens) throw new NoCredentialsError('the project uses a GitHub App installation, but GITHUB_APP_ID / GITHUB_APP_PRIVATE_KEY are not configured');
      const installationId = project.installation_id;
      const octokit = createOctokit({ baseUrl: config.apiUrl, requestTimeouts, ...(log ? { log } : {}) });
      octokit.hook.wrap('request', async (request, options) => {
        options.headers.authorization = `token ${await installationTokens.get(installationId)}`;
        try {
          return await request(options);
        } catch (error) {
          if ((error as { status?: number }).status !== 401) throw error;
          installationTokens.invalidate(installationId);
          options.headers.authorization = `token ${await installationTokens.get(installationId)}`;
          return request(options);
        }
      });
      return { octokit, requests: countRequests(octokit), authorization: async () => `token ${await installationTokens.get(installationId)}`, fetch };
    }
    throw new NoCredentialsError('the project has no GitHub credentials: set a token or an installationId');
  };
}
