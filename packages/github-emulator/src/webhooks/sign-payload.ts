import { createHmac } from 'node:crypto';

/**
 * GitHub's signature headers: HMAC of the exact request body with the hook's secret.
 * https://docs.github.com/webhooks/using-webhooks/validating-webhook-deliveries
 */
export function signPayload(secret: string, body: string): { 'x-hub-signature-256': string; 'x-hub-signature': string } {
  return {
    'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
    'x-hub-signature': `sha1=${createHmac('sha1', secret).update(body).digest('hex')}`,
  };
}
