import { describe, expect, it } from 'vitest';
import { metadataEnabled } from '../../src/shared/metadata-sync.js';
import { metadataUpdateFor } from '../../src/webhooks/metadata-events.js';
import type { WebhookPayload } from '../../src/webhooks/repository-events.js';

/** The pull request a `pull_request_review` delivery carries (GitHub's simple form: no `merged` flag). */
const reviewedPull = {
  id: 42,
  number: 7,
  state: 'open',
  title: 'Add a feature',
  body: null,
  user: { login: 'octocat' },
  labels: [],
  assignees: [],
  created_at: '2026-11-01T10:00:00Z',
  updated_at: '2026-11-02T10:00:00Z',
  closed_at: null,
  merged_at: null,
  merge_commit_sha: null,
  draft: false,
  head: { ref: 'feature', sha: 'a'.repeat(40) },
  base: { ref: 'main', sha: 'b'.repeat(40) },
};
const payload = (body: Record<string, unknown>) => body as unknown as WebhookPayload;

describe('metadataUpdateFor', () => {
  it('stores the pull request a review names, under the pull request setting', () => {
    const update = metadataUpdateFor('pull_request_review', payload({ action: 'submitted', review: { id: 1, state: 'approved' }, pull_request: reviewedPull }));
    expect(update).toMatchObject({ name: 'pull-request-stored', setting: 'pullRequests' });
  });

  it('rejects a review whose pull request fails validation, changing nothing', () => {
    const update = metadataUpdateFor('pull_request_review', payload({ action: 'submitted', pull_request: { ...reviewedPull, head: { ref: 'feature', sha: 'not a sha' } } }));
    expect(update?.name).toBe('rejected-invalid-payload');
  });

  it('names the setting each event belongs to, and leaves other events to the file sync', () => {
    expect(metadataUpdateFor('release', payload({ action: 'deleted', release: { id: 3, tag_name: 'v1', name: null, draft: false, prerelease: false, created_at: '2026-11-01T10:00:00Z', published_at: null, author: { login: 'octocat' }, assets: [] } }))?.setting).toBe('releases');
    expect(metadataUpdateFor('push', payload({ ref: 'refs/heads/main' }))).toBeNull();
  });
});

describe('metadataEnabled', () => {
  it('treats every part as on unless switched off', () => {
    expect(metadataEnabled(undefined, 'issues')).toBe(true);
    expect(metadataEnabled({}, 'issues')).toBe(true);
    expect(metadataEnabled({ issues: false }, 'issues')).toBe(false);
    expect(metadataEnabled({ issues: false }, 'releases')).toBe(true);
  });
});
