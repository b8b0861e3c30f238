import { createHash } from 'node:crypto';
import type { Config } from '../config.js';
import type { SecretBox } from '../crypto/secret-box.js';
import { createInstallationTokens, type InstallationTokens } from './installation-tokens.js';
import { createOctokit, type ReposyncOctokit } from './octokit.js';
import { countRequests, type RequestCounter } from './request-counter.js';
import { createBudgetGate, DEFAULT_BUDGET_LIMITS, type CredentialLedger, type RequestPriority } from './request-budget.js';
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

/** How a project or fleet reaches GitHub: a sealed personal access token, or an App installation. */
export interface GitHubCredential {
  /** `none`: linked without credentials; a client for it is refused with `no-credentials`. */
  auth_kind: 'token' | 'app' | 'none';
  installation_id: number | null;
  /** The token sealed with the secret box; opened only to make requests. */
  token_ciphertext: string | null;
}

export interface ClientOptions {
  /** Who the requests work for; the shared budget keeps part of itself for higher priorities. */
  priority?: RequestPriority;
}

export type GitHubClients = (credential: GitHubCredential, options?: ClientOptions) => Promise<ProjectGitHub>;

/** The key a credential's shared budget is kept under: an installation's id, or a hash of the token (never the token). */
export function credentialKey(credential: { installationId: number } | { token: string }): string {
  if ('installationId' in credential) return `installation:${credential.installationId}`;
  return `token:${createHash('sha256').update(credential.token).digest('hex').slice(0, 32)}`;
}

/**
 * Builds an authenticated Octokit for a project: its personal access token, or a token of its
 * GitHub App installation. An App token GitHub rejects with 401 is replaced once and the request
 * retried, since a revoked or rotated token is not the project's fault.
 */
export function createGitHubClients(options: {
  config: Config['github'];
  secrets: SecretBox;
  log?: { warn(message: string): void };
  /** The budgets shared by every process; without one, each client paces itself by GitHub's answers alone. */
  ledger?: CredentialLedger;
}): GitHubClients {
  const { config, secrets, log, ledger } = options;
  const budgetLimits = config.budget ?? DEFAULT_BUDGET_LIMITS;
  const { requestTimeouts } = config;
  const plainFetch = timedFetch(requestTimeouts);
  // Every request of the client, the archive download included, spends the credential's shared budget.
  const gated = (key: string, octokit: ReposyncOctokit, priority: RequestPriority = 'interactive'): typeof fetch => {
    if (!ledger) return plainFetch;
    const gate = createBudgetGate({ ledger, credential: key, priority, limits: budgetLimits });
    gate.wrapOctokit(octokit);
    return gate.wrapFetch(plainFetch, config.apiUrl);
  };
  const installationTokens: InstallationTokens | undefined =
    config.appId !== undefined && config.appPrivateKey !== undefined
      ? createInstallationTokens({ appId: config.appId, privateKey: config.appPrivateKey, baseUrl: config.apiUrl, requestTimeouts })
      : undefined;

  return async (project, clientOptions = {}) => {
    if (project.auth_kind === 'token' && project.token_ciphertext) {
      const token = secrets.open(project.token_ciphertext);
      const octokit = createOctokit({ baseUrl: config.apiUrl, auth: token, requestTimeouts, ...(log ? { log } : {}) });
      const fetch = gated(credentialKey({ token }), octokit, clientOptions.priority);
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
      const fetch = gated(credentialKey({ installationId }), octokit, clientOptions.priority);
      return { octokit, requests: countRequests(octokit), authorization: async () => `token ${await installationTokens.get(installationId)}`, fetch };
    }
    throw new NoCredentialsError('the project has no GitHub credentials: set a token or an installationId');
  };
}
