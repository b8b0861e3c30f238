import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { AppOptions } from '../types.js';
import { generateToken } from './token-store.js';

export interface InstallationRecord {
  id: number;
  appId: number;
  account: string;
  /** `all`, or the `owner/name` list the installation was granted. */
  repositories: 'all' | string[];
  createdAt: string;
  updatedAt: string;
  /** When the installation was suspended, and by whom; its tokens are refused meanwhile. */
  suspendedAt: string | null;
  suspendedBy: string | null;
}

/**
 * What the App's webhook hears about its installations: `installation` for the life cycle, and
 * `installation_repositories` when the repositories it covers change (with the former selection).
 */
export type InstallationChange =
  | { event: 'installation'; action: 'created' | 'deleted' | 'suspend' | 'unsuspend'; installation: InstallationRecord }
  | { event: 'installation_repositories'; installation: InstallationRecord; before: 'all' | string[] };

export interface InstallationToken {
  token: string;
  installationId: number;
  expiresAt: number;
}

interface AppRecord {
  appId: number;
  slug: string;
  privateKey: string;
  publicKey: KeyObject;
  webhook: AppWebhook | null;
}

/** Where GitHub delivers the App's events (one URL per App, set in its registration). */
export interface AppWebhook {
  url: string;
  secret: string | null;
}

/** Installation tokens live one hour: https://docs.github.com/apps/creating-github-apps/authenticating-with-a-github-app/generating-an-installation-access-token-for-a-github-app */
const TOKEN_TTL_MS = 60 * 60 * 1000;

/** GitHub Apps registered with the emulator, their installations and installation tokens. */
export class AppAdmin {
  private readonly apps = new Map<number, AppRecord>();
  private readonly installations = new Map<number, InstallationRecord>();
  private readonly tokens = new Map<string, InstallationToken>();
  private nextInstallationId = 1000;
  /** Told of every installation change, to deliver the App's webhooks. */
  onChange: (change: InstallationChange) => void = () => undefined;

  constructor(apps: AppOptions[] = []) {
    for (const app of apps) this.register(app);
  }

  /** Registers an app; without a key one is generated (read it back with `privateKey`). */
  register(options: AppOptions): { appId: number; privateKey: string } {
    const privateKey =
      options.privateKey ?? generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    const publicKey = createPublicKey(createPrivateKey(privateKey));
    const webhook = options.webhookUrl ? { url: options.webhookUrl, secret: options.webhookSecret ?? null } : null;
    this.apps.set(options.appId, { appId: options.appId, slug: options.slug ?? `emulator-app-${options.appId}`, privateKey, publicKey, webhook });
    return { appId: options.appId, privateKey };
  }

  privateKey(appId: number): string {
    return this.app(appId).privateKey;
  }

  slug(appId: number): string {
    return this.apps.get(appId)?.slug ?? `app-${appId}`;
  }

  publicKey(appId: number): KeyObject | null {
    return this.apps.get(appId)?.publicKey ?? null;
  }

  /** Points the App's webhook at `url` (null: no webhook, nothing is delivered). */
  setWebhook(appId: number, url: string | null, secret: string | null = null): void {
    this.app(appId).webhook = url ? { url, secret } : null;
  }

  webhook(appId: number): AppWebhook | null {
    return this.apps.get(appId)?.webhook ?? null;
  }

  /**
   * Installs an app on an account, for all its repositories or a chosen list of `owner/name`;
   * the App's webhook hears `installation` `created`.
   */
  install(appId: number, account: string, repositories: 'all' | string[] = 'all'): number {
    this.app(appId);
    const id = this.nextInstallationId++;
    const now = isoNow();
    const installation: InstallationRecord = { id, appId, account, repositories, createdAt: now, updatedAt: now, suspendedAt: null, suspendedBy: null };
    this.installations.set(id, installation);
    this.onChange({ event: 'installation', action: 'created', installation });
    return id;
  }

  /** Removes an installation and its tokens; the App's webhook hears `installation` `deleted`. */
  uninstall(installationId: number): void {
    const installation = this.installations.get(installationId);
    this.installations.delete(installationId);
    for (const [token, record] of this.tokens) if (record.installationId === installationId) this.tokens.delete(token);
    if (installation) this.onChange({ event: 'installation', action: 'deleted', installation });
  }

  /**
   * Changes which repositories an installation covers (`all`, or a list of `owner/name`); the
   * App's webhook hears `installation_repositories` `added` and/or `removed`.
   */
  setRepositories(installationId: number, repositories: 'all' | string[]): void {
    const installation = this.existing(installationId);
    const before = installation.repositories;
    installation.repositories = repositories;
    installation.updatedAt = isoNow();
    this.onChange({ event: 'installation_repositories', installation, before });
  }

  /**
   * Suspends an installation: GitHub then refuses its tokens and new ones with 403 "This
   * installation has been suspended", and delivers the App no events for the account but this one.
   */
  suspend(installationId: number, by = 'emulator-admin'): void {
    const installation = this.existing(installationId);
    if (installation.suspendedAt) return;
    Object.assign(installation, { suspendedAt: isoNow(), suspendedBy: by });
    this.onChange({ event: 'installation', action: 'suspend', installation });
  }

  unsuspend(installationId: number): void {
    const installation = this.existing(installationId);
    if (!installation.suspendedAt) return;
    this.onChange({ event: 'installation', action: 'unsuspend', installation: Object.assign(installation, { suspendedAt: null, suspendedBy: null }) });
  }

  /**
   * Keeps installations granted a chosen list in step with a renamed repository (GitHub tracks
   * them by id); one transferred to another account leaves the old account's installations.
   */
  repositoryMoved(from: string, to: string): void {
    const [fromOwner = ''] = from.split('/');
    const [toOwner = ''] = to.split('/');
    const sameAccount = fromOwner.toLowerCase() === toOwner.toLowerCase();
    for (const installation of this.installations.values()) {
      if (installation.repositories === 'all') continue;
      const kept = installation.repositories.filter((r) => r.toLowerCase() !== from.toLowerCase());
      if (kept.length === installation.repositories.length) continue;
      installation.repositories = sameAccount ? [...kept, to] : kept;
    }
  }

  installation(id: number): InstallationRecord | null {
    return this.installations.get(id) ?? null;
  }

  installationsOf(appId: number): InstallationRecord[] {
    return [...this.installations.values()].filter((i) => i.appId === appId);
  }

  /** Every installation, of any App, covering `owner/name`. */
  installationsCovering(owner: string, name: string): InstallationRecord[] {
    return [...this.installations.values()].filter((i) => covers(i, owner, name));
  }

  /** The installation of `appId` covering `owner/name`, as GET /repos/{o}/{r}/installation finds it. */
  installationFor(appId: number, owner: string, name: string): InstallationRecord | null {
    return this.installationsOf(appId).find((i) => covers(i, owner, name)) ?? null;
  }

  /** Drops a deleted repository from the installations granted a chosen list; returns those that listed it. */
  repositoryDeleted(fullName: string): InstallationRecord[] {
    const affected: InstallationRecord[] = [];
    for (const installation of this.installations.values()) {
      if (installation.repositories === 'all') continue;
      const kept = installation.repositories.filter((r) => r.toLowerCase() !== fullName.toLowerCase());
      if (kept.length === installation.repositories.length) continue;
      installation.repositories = kept;
      affected.push(installation);
    }
    return affected;
  }

  mintToken(installationId: number, now = Date.now()): InstallationToken {
    const record = { token: generateToken('ghs'), installationId, expiresAt: now + TOKEN_TTL_MS };
    this.tokens.set(record.token, record);
    return record;
  }

  /** A live installation token, or null when unknown or expired (GitHub then answers 401). */
  token(token: string, now = Date.now()): InstallationToken | null {
    const record = this.tokens.get(token);
    return record && record.expiresAt > now && this.installations.has(record.installationId) ? record : null;
  }

  /** Makes every installation token issued so far expired, to exercise refresh-on-401 paths. */
  expireTokens(): void {
    for (const record of this.tokens.values()) record.expiresAt = 0;
  }

  private app(appId: number): AppRecord {
    const app = this.apps.get(appId);
    if (!app) throw new Error(`app ${appId} is not registered`);
    return app;
  }

  private existing(installationId: number): InstallationRecord {
    const installation = this.installations.get(installationId);
    if (!installation) throw new Error(`no installation ${installationId}`);
    return installation;
  }
}

function isoNow(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function covers(installation: InstallationRecord, owner: string, name: string): boolean {
  if (installation.account.toLowerCase() !== owner.toLowerCase()) return false;
  if (installation.repositories === 'all') return true;
  const full = `${owner}/${name}`.toLowerCase();
  return installation.repositories.some((r) => r.toLowerCase() === full);
}
