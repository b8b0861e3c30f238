import { verify, type KeyObject } from 'node:crypto';

export type JwtResult = { ok: true; appId: number } | { ok: false; message: string };

/**
 * Verifies a GitHub App JWT as GitHub does: RS256 over `header.payload`, `iss` = app id,
 * `iat` not in the future (60 s drift allowed), `exp` in the future and at most 10 minutes ahead.
 * https://docs.github.com/apps/creating-github-apps/authenticating-with-a-github-app/generating-a-json-web-token-jwt-for-a-github-app
 */
export function verifyAppJwt(jwt: string, publicKeyFor: (appId: number) => KeyObject | null, now = Date.now()): JwtResult {
  const [headerPart = '', payloadPart = '', signaturePart = ''] = jwt.split('.');
  let header: { alg?: string };
  let payload: { iss?: unknown; iat?: unknown; exp?: unknown };
  try {
    header = JSON.parse(Buffer.from(headerPart, 'base64url').toString('utf8')) as typeof header;
    payload = JSON.parse(Buffer.from(payloadPart, 'base64url').toString('utf8')) as typeof payload;
  } catch {
    return { ok: false, message: 'A JSON web token could not be decoded' };
  }
  if (header.alg !== 'RS256') return { ok: false, message: 'A JSON web token could not be decoded' };
  const appId = Number(payload.iss);
  const key = Number.isInteger(appId) ? publicKeyFor(appId) : null;
  if (!key) return { ok: false, message: 'Integration not found' };
  const signed = Buffer.from(`${headerPart}.${payloadPart}`);
  if (!verify('RSA-SHA256', signed, key, Buffer.from(signaturePart, 'base64url'))) {
    return { ok: false, message: 'A JSON web token could not be decoded' };
  }
  const seconds = Math.floor(now / 1000);
  if (typeof payload.iat !== 'number' || payload.iat > seconds + 60) {
    return { ok: false, message: "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued." };
  }
  if (typeof payload.exp !== 'number' || payload.exp <= seconds) {
    return { ok: false, message: "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires." };
  }
  if (payload.exp > seconds + 600 + 60) return { ok: false, message: "'Expiration time' claim ('exp') is too far in the future." };
  return { ok: true, appId };
}

