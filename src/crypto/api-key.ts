import { createHash, randomBytes } from 'node:crypto';

const PREFIX = 'rsk_';

/** A new API key: shown to its owner once, stored only as its hash. */
export function generateApiKey(): string {
  return PREFIX + randomBytes(24).toString('base64url');
}

/**
 * Keys are long random strings, so a fast hash is enough (no dictionary to resist) and lets us
 * look a key up by its hash in one indexed query.
 */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** The part of a key that may be shown in listings and logs. */
export function apiKeyPrefix(key: string): string {
  return key.slice(0, PREFIX.length + 6);
}
