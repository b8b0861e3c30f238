import type { RepoHandle } from '../state/repo-store.js';
import type { ReleaseAssetRecord, ReleaseRecord } from '../types.js';
import { nodeId, userShape } from './user.js';
import { repoApiUrl, repoWebUrl, type Urls } from './urls.js';

/** GitHub's `release` object, assets described but never served: https://docs.github.com/rest/releases/releases#get-a-release */
export function releaseShape(urls: Urls, handle: RepoHandle, release: ReleaseRecord) {
  const api = repoApiUrl(urls, handle.owner, handle.name);
  const web = repoWebUrl(urls, handle.owner, handle.name);
  const url = `${api}/releases/${release.id}`;
  return {
    url,
    html_url: `${web}/releases/tag/${encodeURIComponent(release.tagName)}`,
    assets_url: `${url}/assets`,
    upload_url: `${urls.api}/uploads/repos/${handle.owner}/${handle.name}/releases/${release.id}/assets{?name,label}`,
    tarball_url: `${api}/tarball/${release.tagName}`,
    zipball_url: `${api}/zipball/${release.tagName}`,
    id: release.id,
    node_id: nodeId('RE', release.id),
    tag_name: release.tagName,
    target_commitish: release.targetCommitish,
    name: release.name,
    body: release.body,
    draft: release.draft,
    prerelease: release.prerelease,
    immutable: false,
    created_at: release.createdAt,
    published_at: release.publishedAt,
    updated_at: release.updatedAt,
    author: userShape(urls, release.author),
    assets: release.assets.map((asset) => releaseAssetShape(urls, handle, release, asset)),
  };
}

function releaseAssetShape(urls: Urls, handle: RepoHandle, release: ReleaseRecord, asset: ReleaseAssetRecord) {
  const api = repoApiUrl(urls, handle.owner, handle.name);
  const web = repoWebUrl(urls, handle.owner, handle.name);
  return {
    url: `${api}/releases/assets/${asset.id}`,
    browser_download_url: `${web}/releases/download/${encodeURIComponent(release.tagName)}/${encodeURIComponent(asset.name)}`,
    id: asset.id,
    node_id: nodeId('RA', asset.id),
    name: asset.name,
    label: null,
    state: 'uploaded',
    content_type: asset.contentType,
    size: asset.size,
    digest: null,
    download_count: 0,
    created_at: asset.createdAt,
    updated_at: asset.createdAt,
    uploader: userShape(urls, release.author),
  };
}
