import { stableId } from '../state/repo-store.js';
import type { Urls } from './urls.js';

/** GitHub's `simple-user` object for a login: https://docs.github.com/rest/users/users */
export function userShape(urls: Urls, login: string, type: 'User' | 'Organization' | 'Bot' = 'User') {
  const id = userId(login);
  // Bot logins (`app-slug[bot]`) are percent-encoded in URLs, as GitHub writes them.
  const path = encodeURIComponent(login);
  const url = `${urls.api}/users/${path}`;
  return {
    login,
    id,
    node_id: nodeId('U', id),
    avatar_url: `${urls.web}/avatars/u/${id}?v=4`,
    gravatar_id: '',
    url,
    html_url: `${urls.web}/${path}`,
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
    type,
    user_view_type: 'public',
    site_admin: false,
  };
}

/** The stable numeric id of an account, the same wherever the login appears. */
export function userId(login: string): number {
  return stableId(`user:${login.toLowerCase()}`);
}

/** An opaque GraphQL-style node id; GitHub's are base64 of a type tag and the database id. */
export function nodeId(kind: string, id: number | string): string {
  return Buffer.from(`0:${kind}${id}`).toString('base64').replace(/=+$/, '');
}
