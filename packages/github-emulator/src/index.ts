import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AppAdmin } from './auth/app-admin.js';
import { TokenStore } from './auth/token-store.js';
import { adoptDefaultBranch, EmulatorCore } from './core.js';
import { installServerHooks } from './git/install-server-hooks.js';
import { createRequestHandler } from './http/handle-request.js';
import type { RateState } from './http/rate-limiter.js';
import { handleInternal, POST_RECEIVE_PATH } from './internal-routes.js';
import { apiRouter, codeloadRouter } from './route-table.js';
import { RepoAdmin } from './state/repo-admin.js';
import { RepoStore } from './state/repo-store.js';
import type { EmulatorLimits, EmulatorOptions } from './types.js';

export type { EmulatorLimits, EmulatorOptions, FaultRule, RequestLogEntry, CommitSpec, CommitOptions, FileSpec } from './types.js';
export type { WebhookDelivery } from './webhooks/webhook-deliveries.js';
export type { RepoAdmin } from './state/repo-admin.js';
export type { ActiveFault, FaultInjector } from './faults.js';
export type { RequestLog } from './request-log.js';
export type { RateState } from './http/rate-limiter.js';
export type { WebhookDeliveries } from './webhooks/webhook-deliveries.js';
export type { AppAdmin } from './auth/app-admin.js';

export const DEFAULT_LIMITS: EmulatorLimits = {
  treeEntries: 100_000,
  treeBytes: 7 * 1024 * 1024,
  compareFiles: 300,
  compareCommits: 250,
  rateLimit: 5000,
};

export interface GitHubEmulator {
  /** REST API base: give it to Octokit as `baseUrl`. */
  url: string;
  /** The codeload-style host archive redirects point at (a different origin, like GitHub's). */
  codeloadUrl: string;
  /** A personal access token that sees and writes every served repository. */
  token: string;
  limits: EmulatorLimits;
  /** The API routes served, as `METHOD /template` in GitHub's OpenAPI spelling. */
  routes: string[];
  repos: RepoAdmin;
  faults: EmulatorCore['faults'];
  requests: EmulatorCore['log'];
  webhooks: EmulatorCore['webhooks'];
  apps: AppAdmin;
  tokens: { add(token: string, login?: string): void; revoke(token: string): void };
  rateLimit: {
    exhaust(resetInSeconds?: number): void;
    reset(): void;
    /**
     * Gives one credential its own hourly budget: `installation:<id>` (shared by every token of
     * the installation), `pat:<token>`, `ip:<addr>`, or a token, resolved to the key it counts against.
     */
    setLimit(credential: string, limit: number): void;
    /** Where a credential's budget stands, as the `x-ratelimit-*` headers of its last answer showed it. */
    state(credential: string): Promise<RateState>;
  };
  close(): Promise<void>;
}

/**
 * Starts a GitHub emulator serving every bare repository under `options.root` as
 * `owner/repo`: the REST endpoints reposync uses, a codeload host for archives, webhooks,
 * PAT and GitHub App auth, rate limits and fault injection.
 */
export async function startGitHubEmulator(options: EmulatorOptions): Promise<GitHubEmulator> {
  const { root, port = 0, codeloadPort = 0, host = '127.0.0.1', tokens = [], apps = [] } = options;
  await mkdir(root, { recursive: true });
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const secret = randomBytes(16).toString('hex');
  let core: EmulatorCore | null = null;
  const store = new RepoStore(root, async (handle) => {
    if (!core) return;
    await installServerHooks(handle.gitDir, core.notifyUrl, core.secret);
    await adoptDefaultBranch(handle);
  });
  core = new EmulatorCore(store, new TokenStore(tokens), new AppAdmin(apps), limits, secret);
  const ready = core;

  const api = apiRouter();
  const codeload = codeloadRouter();

  const apiHandler = createRequestHandler(ready, api, 'api');
  const apiServer = createServer((req, res) => {
    if (req.url?.startsWith('/_emulator/')) {
      handleInternal(ready, req, res).catch(() => res.writeHead(500).end());
      return;
    }
    apiHandler(req, res);
  });
  const codeloadServer = createServer(createRequestHandler(ready, codeload, 'codeload'));
  const apiPort = await listen(apiServer, port, host);
  const codePort = await listen(codeloadServer, codeloadPort, host);
  const url = `http://${host}:${apiPort}`;
  ready.urls = { api: url, codeload: `http://${host}:${codePort}`, web: `${url}/_web` };
  ready.notifyUrl = `${url}${POST_RECEIVE_PATH}`;
  // Discovering the served repositories installs their push hooks with the current address.
  await store.list();

  return {
    url,
    codeloadUrl: ready.urls.codeload,
    token: ready.tokens.defaultToken,
    limits,
    routes: api.list(),
    repos: new RepoAdmin(ready),
    faults: ready.faults,
    requests: ready.log,
    webhooks: ready.webhooks,
    apps: ready.apps,
    tokens: { add: (token, login) => ready.tokens.add(token, login), revoke: (token) => ready.tokens.revoke(token) },
    rateLimit: {
      exhaust: (resetInSeconds) => ready.rate.exhaust(undefined, resetInSeconds),
      reset: () => ready.rate.reset(),
      setLimit: (credential, limit) => ready.rate.setLimit(ready.credentialKey(credential), limit),
      state: async (credential) => {
        const key = ready.credentialKey(credential);
        return ready.rate.state(key, await ready.rateLimitFor(key));
      },
    },
    close: async () => {
      await ready.webhooks.settled();
      await Promise.all([stop(apiServer), stop(codeloadServer)]);
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

function stop(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
