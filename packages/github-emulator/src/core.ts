import type { IncomingMessage } from 'node:http';
import { covers, type AppAdmin } from './auth/app-admin.js';
import { looksLikeJwt, parseAuthorization, type Identity } from './auth/identity.js';
import type { TokenStore } from './auth/token-store.js';
import { verifyAppJwt } from './auth/verify-jwt.js';
import { FaultInjector } from './faults.js';
import { gitText, runGit } from './git/run-git.js';
import { HttpError } from './http/http-error.js';
import type { Context } from './http/context.js';
import { RateLimiter } from './http/rate-limiter.js';
import { RequestLog } from './request-log.js';
import type { RepoFacts } from './shapes/repository.js';
import { repoApiUrl, type Urls } from './shapes/urls.js';
import type { RepoHandle, RepoStore } from './state/repo-store.js';
import type { EmulatorLimits, HookRecord, RefUpdate } from './types.js';
import {
  createPayload,
  deletePayload,
  pushPayload,
  repositoryPayload,
  ZERO_SHA,
  type PayloadContext,
  type RepositoryAction,
  type RepositoryChanges,
} from './webhooks/build-payloads.js';
import type { WebhookEvent } from './webhooks/events.js';
import { WebhookDeliveries } from './webhooks/webhook-deliveries.js';
import { deliverInstallationChange, installedApps, sendToApps } from './webhooks/app-events.js';
import { hookShape } from './shapes/hook.js';
import { webhookRepositoryShape } from './shapes/repository.js';
import { userShape } from './shapes/user.js';

export const BAD_CREDENTIALS = 'https://docs.github.com/rest';
/** A suspended installation's tokens, and new ones, are refused with 403 and this message. */
export const SUSPENDED = 'This installation has been suspended';
/** Anonymous callers get 60 requests an hour. */
const ANONYMOUS_LIMIT = 60;
const INSTALLATION_REPOSITORIES_INCLUDED = 20;
const INSTALLATION_PER_REPOSITORY = 50;
const INSTALLATION_MAX_LIMIT = 12_500;

/** Shared state of one emulator instance; route handlers reach everything through it. */
export class EmulatorCore {
  readonly faults = new FaultInjector();
  readonly log = new RequestLog();
  readonly rate = new RateLimiter();
  readonly webhooks = new WebhookDeliveries();
  urls: Urls = { api: '', codeload: '', web: '' };
  /** Short-lived `?token=` values of codeload links to private repositories. */
  readonly archiveLinks = new Map<string, { repo: string; expires: number }>();
  /** Where served repositories' post-receive hooks report pushes. */
  notifyUrl = '';
  /** The App webhook deliveries of installation changes, one after another. */
  private installationEvents: Promise<void> = Promise.resolve();

  constructor(
    readonly store: RepoStore,
    readonly tokens: TokenStore,
    readonly apps: AppAdmin,
    readonly limits: EmulatorLimits,
    readonly secret: string,
  ) {
    // The installation is copied as it stands at the change (a later suspension must not silence
    // an earlier event), and deliveries leave in the order the changes were made.
    apps.onChange = (change) => {
      const snapshot = { ...change, installation: { ...change.installation } };
      const next = this.installationEvents.then(() => deliverInstallationChange(this, snapshot));
      this.installationEvents = next.catch(() => undefined);
      this.webhooks.queue(next);
    };
  }

  /** Turns the Authorization header into an identity, or a 401 exactly like GitHub's. */
  identify(req: IncomingMessage): Identity {
    const token = parseAuthorization(req.headers.authorization);
    const ip = req.socket.remoteAddress ?? 'unknown';
    if (token === null) return { kind: 'anonymous', key: `ip:${ip}` };
    const pat = this.tokens.get(token);
    if (pat) return { kind: 'pat', key: `pat:${token}`, token, login: pat.login, admin: pat.admin };
    const installationToken = this.apps.token(token);
    if (installationToken) {
      const installation = this.apps.installation(installationToken.installationId);
      if (installation?.suspendedAt) throw new HttpError(403, SUSPENDED, { documentation_url: BAD_CREDENTIALS });
      if (installation) {
        return {
          kind: 'installation',
          key: `installation:${installation.id}`,
          token,
          installationId: installation.id,
          appId: installation.appId,
        };
      }
    }
    if (looksLikeJwt(token)) {
      const result = verifyAppJwt(token, (appId) => this.apps.publicKey(appId));
      if (result.ok) return { kind: 'app', key: `app:${result.appId}`, appId: result.appId };
      throw new HttpError(401, result.message, { documentation_url: BAD_CREDENTIALS });
    }
    throw new HttpError(401, 'Bad credentials', { documentation_url: BAD_CREDENTIALS });
  }

  /**
   * The rate-limit key a credential counts against: a key (`installation:<id>`, `pat:<token>`,
   * `app:<id>`, `ip:<addr>`) as given, or a token resolved as a request carrying it would be, so
   * every token of one installation names the installation's shared budget.
   */
  credentialKey(credential: string): string {
    if (/^(installation|pat|app|ip):/.test(credential)) return credential;
    if (this.tokens.get(credential)) return `pat:${credential}`;
    const installationToken = this.apps.token(credential);
    if (installationToken) return `installation:${installationToken.installationId}`;
    throw new Error(`unknown credential ${credential.slice(0, 8)}…`);
  }

  /**
   * The hourly budget of a credential key when its window opens. An installation's grows with the
   * repositories it covers: the authenticated budget, plus 50 for each repository past 20, up to
   * 12,500 (GitHub adds 50 per organisation member past 20 too; the emulator has no members).
   * https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api#primary-rate-limit-for-github-app-installations
   */
  async rateLimitFor(key: string): Promise<number> {
    if (key.startsWith('ip:')) return ANONYMOUS_LIMIT;
    const base = this.limits.rateLimit;
    const installation = key.startsWith('installation:') ? this.apps.installation(Number(key.slice('installation:'.length))) : null;
    if (!installation) return base;
    const covered = (await this.store.list()).filter((h) => covers(installation, h.owner, h.name)).length;
    return Math.min(Math.max(base, INSTALLATION_MAX_LIMIT), base + INSTALLATION_PER_REPOSITORY * Math.max(0, covered - INSTALLATION_REPOSITORIES_INCLUDED));
  }

  canRead(identity: Identity, handle: RepoHandle): boolean {
    if (identity.kind === 'installation') return this.installationCovers(identity, handle);
    if (!handle.info.private) return true;
    if (identity.kind !== 'pat') return false;
    return identity.admin || handle.info.grants.includes(identity.token);
  }

  /**
   * The repository named by the route, or 404 — GitHub hides private repositories from callers
   * without access: https://docs.github.com/rest/using-the-rest-api/troubleshooting-the-rest-api#404-not-found-for-an-existing-resource
   */
  async repo(ctx: Context, options: { write?: boolean; evenArchived?: boolean; admin?: boolean } = {}): Promise<RepoHandle> {
    const owner = ctx.params.owner ?? '';
    const name = ctx.params.repo ?? '';
    const handle = await this.store.find(owner, name);
    if (!handle || !this.canRead(ctx.identity, handle)) {
      const moved = handle ? null : await this.store.formerlyNamed(owner, name);
      if (moved && this.canRead(ctx.identity, moved)) throw this.movedTo(ctx, moved);
      throw new HttpError(404, 'Not Found', { documentation_url: ctx.docs });
    }
    if (options.write) {
      if (ctx.identity.kind === 'anonymous') throw new HttpError(401, 'Requires authentication', { documentation_url: ctx.docs });
      if (ctx.identity.kind === 'app') throw new HttpError(403, 'Resource not accessible by integration', { documentation_url: ctx.docs });
      if (handle.info.archived && !options.evenArchived) throw new HttpError(403, 'Repository was archived so is read-only.', { documentation_url: ctx.docs });
    }
    // Admin-only endpoints (hooks) answer 404 to a token without admin rights on the repository.
    if (options.admin && ctx.identity.kind === 'pat' && !ctx.identity.admin) throw new HttpError(404, 'Not Found', { documentation_url: ctx.docs });
    return handle;
  }

  /**
   * A renamed or transferred repository answers its former name with a redirect: 301 for reads,
   * 307 for writes so the method and body survive. GitHub points at `/repositories/{id}/...`;
   * the emulator names the new `owner/repo` in the same path instead, which it serves.
   * https://docs.github.com/rest/using-the-rest-api/best-practices-for-using-the-rest-api#follow-redirects
   */
  private movedTo(ctx: Context, handle: RepoHandle): HttpError {
    const rest = ctx.path.split('/').slice(4);
    const query = ctx.query.toString();
    const url = `${repoApiUrl(this.urls, handle.owner, handle.name)}${rest.length > 0 ? `/${rest.join('/')}` : ''}${query ? `?${query}` : ''}`;
    const read = ctx.method === 'GET' || ctx.method === 'HEAD';
    return new HttpError(read ? 301 : 307, read ? 'Moved Permanently' : 'Temporary Redirect', {
      url,
      documentation_url: 'https://docs.github.com/rest/using-the-rest-api/best-practices-for-using-the-rest-api#follow-redirects',
      headers: { location: url },
    });
  }

  /** The login recorded as pusher/sender/author for an identity. */
  actor(identity: Identity, handle: RepoHandle): string {
    if (identity.kind === 'pat') return identity.login;
    if (identity.kind === 'installation' || identity.kind === 'app') return `${this.apps.slug(identity.appId)}[bot]`;
    return handle.owner;
  }

  async defaultBranch(handle: RepoHandle): Promise<string> {
    const head = await runGit(handle.gitDir, ['symbolic-ref', '--short', 'HEAD'], { okCodes: [1, 128] });
    return head.code === 0 ? head.stdout.toString('utf8').trim() : 'main';
  }

  async facts(handle: RepoHandle): Promise<RepoFacts> {
    const defaultBranch = await this.defaultBranch(handle);
    const pushed = await gitText(handle.gitDir, ['for-each-ref', '--sort=-committerdate', '--count=1', '--format=%(committerdate:iso-strict)', 'refs/heads']);
    const counts = await gitText(handle.gitDir, ['count-objects', '-v']);
    const kb = counts
      .split('\n')
      .filter((l) => l.startsWith('size:') || l.startsWith('size-pack:'))
      .reduce((n, l) => n + Number(l.split(':')[1] ?? 0), 0);
    return {
      defaultBranch,
      pushedAt: pushed ? new Date(pushed).toISOString().replace(/\.\d{3}Z$/, 'Z') : null,
      size: kb,
      openPulls: handle.info.pulls.filter((p) => p.state === 'open').length,
    };
  }

  /**
   * Moves a ref with compare-and-swap (`git update-ref <ref> <new> <old>`) so concurrent
   * writers cannot lose updates, then delivers the events a push would.
   */
  async moveRef(handle: RepoHandle, ref: string, after: string, before: string, actor: string): Promise<void> {
    if (after === ZERO_SHA) await runGit(handle.gitDir, ['update-ref', '-d', ref, before]);
    else await runGit(handle.gitDir, ['update-ref', ref, after, before]);
    await this.refsMoved(handle, [{ ref, before, after }], actor);
  }

  /**
   * Delivers `create`/`delete`/`push` events for ref updates, whatever moved the refs, to the
   * repository's hooks and to the webhooks of Apps installed on it.
   */
  async refsMoved(handle: RepoHandle, updates: RefUpdate[], actor: string): Promise<void> {
    if (updates.some((u) => u.before === ZERO_SHA)) await adoptDefaultBranch(handle);
    const apps = (event: string) => installedApps(this, handle, event);
    if (!handle.info.hooks.some((h) => h.active) && ['create', 'delete', 'push'].every((event) => apps(event).length === 0)) return;
    const ctx: PayloadContext = { urls: this.urls, handle, facts: await this.facts(handle), actor };
    const send = (event: WebhookEvent, payload: Record<string, unknown>) => {
      for (const hook of this.hooksFor(handle, event)) void this.deliver(handle, hook.id, event, payload);
      sendToApps(this, apps(event), event, payload);
    };
    for (const update of updates) {
      if (!update.ref.startsWith('refs/heads/') && !update.ref.startsWith('refs/tags/')) continue;
      if (update.before === ZERO_SHA) send('create', createPayload(ctx, update.ref));
      if (update.after === ZERO_SHA) send('delete', deletePayload(ctx, update.ref));
      if (this.hooksFor(handle, 'push').length > 0 || apps('push').length > 0) send('push', await pushPayload(ctx, update));
    }
  }

  /**
   * Delivers a `repository` event for a settings change, describing the repository as it now
   * stands: https://docs.github.com/webhooks/webhook-events-and-payloads#repository
   */
  async repositoryChanged(handle: RepoHandle, action: RepositoryAction, changes: RepositoryChanges | undefined, actor: string): Promise<void> {
    const hooks = this.hooksFor(handle, 'repository');
    const apps = installedApps(this, handle, 'repository');
    if (hooks.length === 0 && apps.length === 0) return;
    const payload = repositoryPayload({ urls: this.urls, handle, facts: await this.facts(handle), actor }, action, changes);
    for (const hook of hooks) void this.deliver(handle, hook.id, 'repository', payload);
    sendToApps(this, apps, 'repository', payload);
  }

  /**
   * Delivers an event about a change made through the REST API (an issue opened, a comment
   * deleted) to the hooks subscribed to it, with the repository and sender every payload carries.
   */
  async announce(handle: RepoHandle, event: WebhookEvent, actor: string, body: Record<string, unknown>): Promise<void> {
    const hooks = this.hooksFor(handle, event);
    if (hooks.length === 0) return;
    const payload = { ...body, repository: webhookRepositoryShape(this.urls, handle, await this.facts(handle), false), sender: userShape(this.urls, actor) };
    for (const hook of hooks) void this.deliver(handle, hook.id, event, payload);
  }

  /** Active hooks subscribed to `event`, by name or through the `*` wildcard. */
  hooksFor(handle: RepoHandle, event: string): HookRecord[] {
    return handle.info.hooks.filter((h) => h.active && (h.events.includes(event) || h.events.includes('*')));
  }

  /** Sends the `ping` GitHub sends when a hook is created: https://docs.github.com/webhooks/webhook-events-and-payloads#ping */
  async ping(handle: RepoHandle, hookId: number, actor: string): Promise<void> {
    const hook = handle.info.hooks.find((h) => h.id === hookId);
    if (!hook) return;
    const payload = {
      zen: 'Keep it logically awesome.',
      hook_id: hook.id,
      hook: hookShape(this.urls, handle, hook),
      repository: webhookRepositoryShape(this.urls, handle, await this.facts(handle), false),
      sender: userShape(this.urls, actor),
    };
    await this.deliver(handle, hook.id, 'ping', payload);
  }

  deliver(handle: RepoHandle, hookId: number, event: WebhookEvent, payload: Record<string, unknown>) {
    const hook = handle.info.hooks.find((h) => h.id === hookId);
    if (!hook) return Promise.resolve(null);
    return this.webhooks.send(
      {
        hookId: hook.id,
        url: hook.url,
        secret: hook.secret,
        contentType: hook.contentType,
        repositoryId: handle.info.id,
        onResponse: (code, status) => {
          hook.lastResponse = { code, status, message: code === null ? 'failed to connect' : 'OK' };
        },
      },
      event,
      payload,
    );
  }

  private installationCovers(identity: Extract<Identity, { kind: 'installation' }>, handle: RepoHandle): boolean {
    const installation = this.apps.installation(identity.installationId);
    return installation !== null && covers(installation, handle.owner, handle.name);
  }
}

/**
 * The first branch pushed to an empty repository becomes its default branch on GitHub; a bare
 * repository's HEAD may instead name a branch that does not exist (e.g. `master`). Fix that up
 * the way GitHub would, preferring `main`, then `master`, then the first branch.
 */
export async function adoptDefaultBranch(handle: RepoHandle): Promise<void> {
  const head = await runGit(handle.gitDir, ['symbolic-ref', 'HEAD'], { okCodes: [1, 128] });
  const target = head.stdout.toString('utf8').trim();
  if (head.code === 0 && (await runGit(handle.gitDir, ['rev-parse', '--verify', '--quiet', target], { okCodes: [1] })).code === 0) return;
  const branches = (await gitText(handle.gitDir, ['for-each-ref', '--format=%(refname)', 'refs/heads/'])).split('\n').filter(Boolean);
  const pick = branches.find((b) => b === 'refs/heads/main') ?? branches.find((b) => b === 'refs/heads/master') ?? branches[0];
  if (pick) await runGit(handle.gitDir, ['symbolic-ref', 'HEAD', pick]);
}
