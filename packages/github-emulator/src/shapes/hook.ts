import type { RepoHandle } from '../state/repo-store.js';
import type { HookRecord } from '../types.js';
import { repoApiUrl, type Urls } from './urls.js';

/** GitHub's `hook` object; the secret is masked in responses as GitHub does. https://docs.github.com/rest/repos/webhooks */
export function hookShape(urls: Urls, handle: RepoHandle, hook: HookRecord) {
  const url = `${repoApiUrl(urls, handle.owner, handle.name)}/hooks/${hook.id}`;
  return {
    type: 'Repository',
    id: hook.id,
    name: 'web',
    active: hook.active,
    events: hook.events,
    config: {
      content_type: hook.contentType,
      insecure_ssl: '0',
      url: hook.url,
      ...(hook.secret ? { secret: '********' } : {}),
    },
    updated_at: hook.updatedAt,
    created_at: hook.createdAt,
    url,
    test_url: `${url}/test`,
    ping_url: `${url}/pings`,
    deliveries_url: `${url}/deliveries`,
    last_response: hook.lastResponse,
  };
}
