import { randomBytes } from 'node:crypto';

export interface PatRecord {
  login: string;
  /** The default token sees and writes everything; others see public repositories plus granted private ones. */
  admin: boolean;
  revoked: boolean;
}

/** A token in GitHub's format: prefix + 36 base62 characters (https://github.blog/2021-04-05-behind-githubs-new-authentication-token-formats/). */
export function generateToken(prefix: 'ghp' | 'ghs'): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = randomBytes(36);
  let out = '';
  for (const byte of bytes) out += alphabet[byte % alphabet.length];
  return `${prefix}_${out}`;
}

/** Personal access tokens the emulator accepts. */
export class TokenStore {
  readonly defaultToken: string;
  private readonly pats = new Map<string, PatRecord>();

  constructor(extra: string[], defaultToken = generateToken('ghp')) {
    this.defaultToken = defaultToken;
    this.pats.set(defaultToken, { login: 'emulator-admin', admin: true, revoked: false });
    for (const token of extra) this.add(token);
  }

  add(token: string, login = 'emulator-user'): void {
    if (!this.pats.has(token)) this.pats.set(token, { login, admin: false, revoked: false });
    else this.pats.get(token)!.revoked = false;
  }

  /** A revoked token answers 401 Bad credentials from then on, like a deleted PAT. */
  revoke(token: string): void {
    const record = this.pats.get(token);
    if (record) record.revoked = true;
  }

  get(token: string): PatRecord | null {
    const record = this.pats.get(token);
    return record && !record.revoked ? record : null;
  }
}
