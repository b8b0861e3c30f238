import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Checks `X-Hub-Signature-256` (`sha256=<hex HMAC of the exact body>`) with a timing-safe compare,
 * over the raw bytes as received — re-serialised JSON would not match.
 * https://docs.github.com/webhooks/using-webhooks/validating-webhook-deliveries
 */
export function verifySignature(secret: string, rawBody: Buffer, header: string): boolean {
  const match = /^sha256=([0-9a-f]{64})$/i.exec(header.trim());
  if (!match) return false;
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  const given = Buffer.from(match[1]!, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
