import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { projectsRepository, type Project } from '../../db/repositories/projects.js';
import { createDeliveryRecorder } from '../../webhooks/delivery-recorder.js';
import { storedRepository, type WebhookPayload } from '../../webhooks/repository-events.js';
import { verifySignature } from '../../webhooks/verify-signature.js';
import { httpError } from '../http-error.js';
import { WebhookAckSchema, WebhookHeadersSchema, type WebhookHeaders } from '../schemas/webhooks.js';

/** GitHub caps webhook payloads at 25 MB: https://docs.github.com/webhooks/webhook-events-and-payloads#payload-cap */
const MAX_PAYLOAD_BYTES = 25 * 1024 * 1024;

/**
 * POST /api/webhooks/github: authenticated by signature, not API key. The answer waits for the
 * signature check and one INSERT into the inbox (deduplicated by delivery GUID; shared with the
 * deliveries that arrived at the same time) and nothing else:
 * finding the projects, the echo check, their update and the signalling happen after it, from the
 * inbox (src/webhooks/webhook-inbox.ts), in order, exactly once, and survive a crash in between.
 */
export const webhookRoutes: FastifyPluginAsync = async (fastify) => {
  const { db, secrets, config } = fastify.deps;
  const projects = projectsRepository(db);
  // Deliveries arriving together are recorded by one INSERT (group commit), each answered once committed.
  const recorder = createDeliveryRecorder(db);
  const { inbox } = fastify.webhookWorkers;

  // The signature covers the exact bytes, so this route keeps the body raw.
  fastify.addContentTypeParser(['application/json', 'application/x-www-form-urlencoded'], { parseAs: 'buffer', bodyLimit: MAX_PAYLOAD_BYTES }, (_request, body, done) => done(null, body));

  fastify.post<{ Headers: WebhookHeaders }>(
    '/api/webhooks/github',
    {
      bodyLimit: MAX_PAYLOAD_BYTES,
      // No access log line per delivery (two synchronous writes each, at hundreds a second, cost
      // more than the INSERT the answer waits for); GitHub keeps every delivery's log, the inbox
      // row says what it did, and failures are still logged.
      logLevel: 'warn',
      schema: {
        tags: ['webhooks'],
        summary: 'GitHub webhook deliveries (signed with X-Hub-Signature-256)',
        description: 'Answered once the delivery is recorded (202 `queued`; 200 `pong` for a ping, 200 `duplicate` for a delivery id already recorded); what it asks for is applied after the answer.',
        headers: WebhookHeadersSchema,
        // Signed by GitHub, not by an API key: a signature that does not verify is a 401.
        response: { 200: WebhookAckSchema, 202: WebhookAckSchema, 401: Type.Ref('Error') },
      },
    },
    async (request, reply) => {
      const { 'x-github-event': event, 'x-github-delivery': deliveryId, 'x-hub-signature-256': signature } = request.headers;
      const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const { payload, json } = parsePayload(raw, header(request.headers['content-type']) ?? '');

      const appSecretValid = config.github.webhookSecret !== undefined && verifySignature(config.github.webhookSecret, raw, signature);
      // Without the App's secret, only a project of the repository the payload names can vouch for
      // the delivery with its own secret: one signed with another project's secret never reaches it.
      // Projects are looked up under the name they know the repository by (before a rename).
      const stored = appSecretValid ? undefined : storedRepository(event, payload);
      const verified = stored ? (await projects.findByRepository(stored.owner, stored.repo)).filter((project) => projectSecretVerifies(project, raw, signature)) : [];
      if (!appSecretValid && verified.length === 0) throw httpError(401, 'unauthorized', 'the X-Hub-Signature-256 signature does not verify');

      const first = await recorder.record({ deliveryId, event, payload: json, verifiedProjectIds: appSecretValid ? null : verified.map((project) => project.id) });
      if (!first) {
        return reply.status(200).send({ delivery: deliveryId, event, outcome: 'duplicate' });
      }
      inbox.kick();
      if (event === 'ping') return reply.status(200).send({ delivery: deliveryId, event, outcome: 'pong' });
      return reply.status(202).send({ delivery: deliveryId, event, outcome: 'queued' });
    },
  );

  function projectSecretVerifies(project: Project, raw: Buffer, signature: string): boolean {
    if (!project.webhook_secret_ciphertext) return false;
    return verifySignature(secrets.open(project.webhook_secret_ciphertext), raw, signature);
  }
};

function header(value: string | string[] | undefined): string | undefined {
  const single = Array.isArray(value) ? value[0] : value;
  return single && single.trim() !== '' ? single : undefined;
}

/**
 * JSON, or the form encoding GitHub uses when a hook is set to `form` (`payload=<json>`): the
 * parsed object, and the JSON text the inbox stores.
 */
function parsePayload(raw: Buffer, contentType: string): { payload: WebhookPayload; json: string } {
  try {
    const json = contentType.startsWith('application/x-www-form-urlencoded') ? (new URLSearchParams(raw.toString('utf8')).get('payload') ?? '') : raw.toString('utf8');
    const parsed: unknown = JSON.parse(json);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    return { payload: parsed as WebhookPayload, json };
  } catch {
    throw httpError(400, 'bad-request', 'the webhook body is not a JSON object');
  }
}
