import { App } from '@octokit/app';
import { Octokit } from '@octokit/rest';
import { DEFAULT_REQUEST_TIMEOUTS, timedFetch, type RequestTimeouts } from './timed-fetch.js';

export interface InstallationTokens {
  /** A token for the installation, from cache while it has more than `refreshMarginMs` to live. */
  get(installationId: number): Promise<string>;
  /** Forgets a cached token (GitHub answered 401 with it). */
  invalidate(installationId: number): void;
}

/**
 * Installation tokens minted with @octokit/app (JWT signed with the app's private key).
 * GitHub issues them for one hour; we refresh ten minutes before that so a long import never
 * starts a request with a token about to lapse.
 * https://docs.github.com/apps/creating-github-apps/authenticating-with-a-github-app/generating-an-installation-access-token-for-a-github-app
 */
export function createInstallationTokens(options: { appId: number; privateKey: string; baseUrl: string; refreshMarginMs?: number; now?: () => number; requestTimeouts?: RequestTimeouts }): InstallationTokens {
  const { appId, privateKey, baseUrl, refreshMarginMs = 10 * 60_000, now = Date.now, requestTimeouts = DEFAULT_REQUEST_TIMEOUTS } = options;
  const app = new App({ appId, privateKey, Octokit: Octokit.defaults({ baseUrl, userAgent: 'reposync', request: { fetch: timedFetch(requestTimeouts) } }) });
  const cache = new Map<number, { token: string; expiresAt: number }>();
  const inFlight = new Map<number, Promise<string>>();

  async function mint(installationId: number): Promise<string> {
    const { data } = await app.octokit.request('POST /app/installations/{installation_id}/access_tokens', { installation_id: installationId });
    cache.set(installationId, { token: data.token, expiresAt: Date.parse(data.expires_at) });
    return data.token;
  }

  return {
    async get(installationId) {
      const cached = cache.get(installationId);
      if (cached && cached.expiresAt - refreshMarginMs > now()) return cached.token;
      // One mint per installation at a time, however many activities ask at once.
      let pending = inFlight.get(installationId);
      if (!pending) {
        pending = mint(installationId).finally(() => inFlight.delete(installationId));
        inFlight.set(installationId, pending);
      }
      return pending;
    },
    invalidate(installationId) {
      cache.delete(installationId);
    },
  };
}
