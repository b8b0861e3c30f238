import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { metadataUpdateFor } from '../../src/webhooks/metadata-events.js';
import type { WebhookPayload } from '../../src/webhooks/repository-events.js';

interface WebhookExamples {
  name: string;
  examples: Array<Record<string, unknown>>;
}

// Real deliveries GitHub sent, collected by Octokit: the payloads our validation must accept.
const examples = createRequire(import.meta.url)('@octokit/webhooks-examples') as WebhookExamples[];
const METADATA_EVENTS = ['issues', 'issue_comment', 'pull_request', 'pull_request_review', 'pull_request_review_comment', 'release'];

describe("GitHub's recorded webhook payloads", () => {
  const cases = examples.filter((event) => METADATA_EVENTS.includes(event.name)).flatMap((event) => event.examples.map((payload, index) => ({ event: event.name, action: String(payload.action), index, payload })));

  it('cover every metadata event reposync subscribes to', () => {
    expect(new Set(cases.map((entry) => entry.event))).toEqual(new Set(METADATA_EVENTS));
  });

  it.each(cases.map((entry) => [`${entry.event}.${entry.action} #${entry.index}`, entry] as const))('%s validates and names what it stores', (_, entry) => {
    const update = metadataUpdateFor(entry.event, entry.payload as unknown as WebhookPayload);
    expect(update).not.toBeNull();
    expect(update!.name).not.toBe('rejected-invalid-payload');
  });
});
