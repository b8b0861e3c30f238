import type { InstallationRecord } from '../auth/app-admin.js';
import type { Urls } from './urls.js';
import { userShape } from './user.js';

/** The permissions every emulated App holds, and the events it subscribes to. */
export const PERMISSIONS = { contents: 'write', metadata: 'read', pull_requests: 'write', administration: 'read' };
export const APP_EVENTS = ['push', 'create', 'delete', 'pull_request', 'repository'];

/** GitHub's `installation` object: https://docs.github.com/rest/apps/apps#get-an-installation-for-the-authenticated-app */
export function installationShape(urls: Urls, i: InstallationRecord, slug: string) {
  const account = userShape(urls, i.account);
  return {
    id: i.id,
    account,
    repository_selection: i.repositories === 'all' ? 'all' : 'selected',
    access_tokens_url: `${urls.api}/app/installations/${i.id}/access_tokens`,
    repositories_url: `${urls.api}/installation/repositories`,
    html_url: `${urls.web}/settings/installations/${i.id}`,
    app_id: i.appId,
    app_slug: slug,
    target_id: account.id,
    target_type: 'User',
    permissions: PERMISSIONS,
    events: APP_EVENTS,
    created_at: i.createdAt,
    updated_at: i.updatedAt,
    single_file_name: null,
    has_multiple_single_files: false,
    single_file_paths: [],
    suspended_by: i.suspendedBy ? userShape(urls, i.suspendedBy) : null,
    suspended_at: i.suspendedAt,
  };
}
