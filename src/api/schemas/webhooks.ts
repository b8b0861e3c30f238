import { Type, type Static } from '@sinclair/typebox';

/**
 * The headers GitHub signs a delivery with. Bounded, so a forged header can neither overflow an
 * index row nor smuggle text the database cannot store: event names are lowercase words joined by
 * underscores (https://docs.github.com/webhooks/webhook-events-and-payloads), delivery ids are
 * 36-character GUIDs (room is left for other senders' ids), signatures are an HMAC-SHA256 in hex.
 */
export const WebhookHeadersSchema = Type.Object({
  'x-github-event': Type.String({ pattern: '^[a-z][a-z0-9_]{0,63}$', description: 'The event name, e.g. push' }),
  'x-github-delivery': Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$', description: 'The delivery GUID (deduplicated)' }),
  'x-hub-signature-256': Type.String({ pattern: '^sha256=[0-9a-fA-F]{64}$', description: 'HMAC-SHA256 of the raw body with the webhook secret' }),
});
export type WebhookHeaders = Static<typeof WebhookHeadersSchema>;

export const WebhookAckSchema = Type.Object({ delivery: Type.String(), event: Type.String(), outcome: Type.String() });
