import { Octokit } from '@octokit/rest';
import type { CommitSpec } from '@reposync/github-emulator';
import { expect } from 'vitest';
import type { SyncHarness } from './sync-harness.js';

export interface ImportRepositoryOptions {
  /** Sent with the link request, e.g. a filter. */
  link?: Record<string, unknown>;
  /** Registers a push webhook to the API listening at `apiUrl`, signed with `secret`, before the link. */
  webhook?: { apiUrl: string; secret: string };
}

/**
 * A repository `octo/<name>` of the emulator with one commit of `files`, linked as a project and
 * imported by the initial sync; answers the project id.
 */
export async function importRepository(h: SyncHarness, name: string, files: CommitSpec['files'], { link = {}, webhook }: ImportRepositoryOptions = {}): Promise<string> {
  await h.github.repos.create('octo', name, {});
  await h.github.repos.commit('octo', name, { message: 'initial', files });
  if (webhook) {
    const octokit = new Octokit({ baseUrl: h.github.url, auth: h.github.token });
    await octokit.rest.repos.createWebhook({ owner: 'octo', repo: name, config: { url: `${webhook.apiUrl}/api/webhooks/github`, content_type: 'json', secret: webhook.secret }, events: ['push'] });
  }
  const { id } = await h.link('octo', name, link);
  expect((await h.initialSync(id)).status).toBe('synced');
  return id;
}
