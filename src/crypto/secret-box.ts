import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Encrypts secrets (tokens, webhook secrets) at rest with AES-256-GCM. The stored form is
 * `v1.<iv>.<tag>.<ciphertext>` in base64url, so a future key or algorithm can be told apart.
 *
 * Keys rotate without downtime: seal always uses the current key; open tries the current key,
 * then each previous one (GCM's tag tells a wrong key from the right one). Once every stored
 * secret is sealed again with the current key (`npm run rotate-encryption-key`), the previous
 * keys can be dropped.
 */
export interface SecretBox {
  seal(plaintext: string): string;
  open(sealed: string): string;
  /** True when `sealed` opens with the current key, so rotation can leave it as it is. */
  isSealedWithCurrentKey(sealed: string): boolean;
}

const VERSION = 'v1';

export class SecretOpenError extends Error {}

export function createSecretBox(key: Buffer, previousKeys: readonly Buffer[] = []): SecretBox {
  for (const candidate of [key, ...previousKeys]) {
    if (candidate.length !== 32) throw new Error('the encryption key must be 32 bytes');
  }
  return {
    seal(plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [VERSION, iv, cipher.getAuthTag(), ciphertext].map(encodePart).join('.');
    },
    open(sealed) {
      const parts = parseSealed(sealed);
      for (const candidate of [key, ...previousKeys]) {
        const plaintext = tryOpen(candidate, parts);
        if (plaintext !== undefined) return plaintext;
      }
      throw new SecretOpenError(
        previousKeys.length === 0
          ? 'a stored secret does not open with REPOSYNC_ENCRYPTION_KEY: it was sealed with another key (list that key in REPOSYNC_PREVIOUS_ENCRYPTION_KEYS)'
          : 'a stored secret opens neither with REPOSYNC_ENCRYPTION_KEY nor with any key in REPOSYNC_PREVIOUS_ENCRYPTION_KEYS',
      );
    },
    isSealedWithCurrentKey(sealed) {
      return tryOpen(key, parseSealed(sealed)) !== undefined;
    },
  };
}

interface SealedParts {
  iv: Buffer;
  tag: Buffer;
  ciphertext: Buffer;
}

function parseSealed(sealed: string): SealedParts {
  const [version, iv, tag, ciphertext] = sealed.split('.');
  if (version !== VERSION || !iv || !tag || ciphertext === undefined) {
    throw new SecretOpenError('not a sealed secret of a known version');
  }
  return { iv: Buffer.from(iv, 'base64url'), tag: Buffer.from(tag, 'base64url'), ciphertext: Buffer.from(ciphertext, 'base64url') };
}

/** The plaintext, or undefined when the authentication tag shows `key` is not the one it was sealed with. */
function tryOpen(key: Buffer, { iv, tag, ciphertext }: SealedParts): string | undefined {
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}

function encodePart(part: string | Buffer): string {
  return typeof part === 'string' ? part : part.toString('base64url');
}
