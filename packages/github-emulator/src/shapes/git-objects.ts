import type { RepoHandle } from '../state/repo-store.js';
import { nodeId } from './user.js';
import { repoApiUrl, type Urls } from './urls.js';

/** GitHub's `git-ref` object: https://docs.github.com/rest/git/refs */
export function refShape(urls: Urls, handle: RepoHandle, ref: string, sha: string, type: string) {
  const api = repoApiUrl(urls, handle.owner, handle.name);
  const kind = type === 'tag' ? 'tags' : type === 'tree' ? 'trees' : type === 'blob' ? 'blobs' : 'commits';
  return {
    ref,
    node_id: nodeId('REF', `${handle.info.id}:${ref}`),
    url: `${api}/git/${ref}`,
    object: { sha, type, url: `${api}/git/${kind}/${sha}` },
  };
}

/** GitHub's `short-blob` answer to blob creation. */
export function shortBlobShape(urls: Urls, handle: RepoHandle, sha: string) {
  return { url: `${repoApiUrl(urls, handle.owner, handle.name)}/git/blobs/${sha}`, sha };
}

/**
 * GitHub's `blob` object. Content is base64 wrapped at 60 columns, the way GitHub sends it.
 * https://docs.github.com/rest/git/blobs#get-a-blob
 */
export function blobShape(urls: Urls, handle: RepoHandle, sha: string, content: Buffer) {
  const base64 = content.toString('base64').replace(/.{60}/g, '$&\n');
  return {
    sha,
    node_id: nodeId('B', sha),
    size: content.length,
    url: `${repoApiUrl(urls, handle.owner, handle.name)}/git/blobs/${sha}`,
    content: base64.length > 0 && !base64.endsWith('\n') ? `${base64}\n` : base64,
    encoding: 'base64',
  };
}
