import type { ReleaseRow } from '../../db/repositories/releases.js';

export function presentRelease(row: ReleaseRow) {
  return {
    id: row.github_id,
    tagName: row.tag_name,
    name: row.name,
    body: row.body,
    draft: row.draft,
    prerelease: row.prerelease,
    author: row.author_login,
    assets: row.assets.map(({ name, size, contentType }) => ({ name, size, contentType })),
    createdAt: row.created_at.toISOString(),
    publishedAt: row.published_at?.toISOString() ?? null,
  };
}
