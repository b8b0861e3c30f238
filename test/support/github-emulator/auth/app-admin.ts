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
}

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
}

/** Installation tokens live one hour: https://docs.github.com/apps/creating-github-apps/authenticating-with-a-github-app/generating-an-installation-access-token-for-a-github-app */
const TOKEN_TTL_MS = 60 * 60 * 1000;

/** GitHub Apps registered with the emulator, their installations and installation tokens. */
export class AppAdmin {
  private readonly apps = new Map<number, AppRecord>();
  private readonly installations = new Map<number, InstallationRecord>();
  private readonly tokens = new Map<string, InstallationToken>();
  private nextInstallationId = 1000;

  constructor(apps: AppOptions[] = []) {
    for (const app of apps) this.register(app);
  }

  /** Registers an app; without a key one is generated (read it back with `privateKey`). */
  register(options: AppOptions): { appId: number; privateKey: string } {
    const privateKey =
      options.privateKey ?? generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    const publicKey = createPublicKey(createPrivateKey(privateKey));
    this.apps.set(options.appId, { appId: options.appId, slug: options.slug ?? `emulator-app-${options.appId}`, privateKey, publicKey });
    return { appId: options.appId, privateKey };
  }

  privateKey(appId: number): string {
    const app = this.apps.get(appId);
    if (!app) throw new Error(`app ${appId} is not registered`);
    return app.privateKey;
  }

  slug(appId: number): string {
    return this.apps.get(appId)?.slug ?? `app-${appId}`;
  }

  publicKey(appId: number): KeyObject | null {
    return this.apps.get(appId)?.publicKey ?? null;
  }

  /** Installs an app on an account, for all its repositories or a chosen list of `owner/name`. */
  install(appId: number, account: string, repositories: 'all' | string[] = 'all'): number {
    if (!this.apps.has(appId)) throw new Error(`app ${appId} is not registered`);
    const id = this.nextInstallationId++;
    this.installations.set(id, { id, appId, account, repositories, createdAt: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') });
    return id;
  }

  uninstall(installationId: number): void {
    this.installations.delete(installationId);
    for (const [token, record] of this.tokens) if (record.installationId === installationId) this.tokens.delete(token);
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

  /** The installation of `appId` covering `owner/name`, as GET /repos/{o}/{r}/installation finds it. */
  installationFor(appId: number, owner: string, name: string): InstallationRecord | null {
    return this.installationsOf(appId).find((i) => covers(i, owner, name)) ?? null;
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
}

export function covers(installation: InstallationRecord, owner: string, name: string): boolean {
  if (installation.account.toLowerCase() !== owner.toLowerCase()) return false;
  if (installation.repositories === 'all') return true;
  const full = `${owner}/${name}`.toLowerCase();
  return installation.repositories.some((r) => r.toLowerCase() === full);
}
