import type { JSONColumnType } from 'kysely';

/** An asset is described, never downloaded. */
export interface ReleaseAsset {
  name: string;
  size: number;
  contentType: string;
}

export interface ReleasesTable {
  project_id: string;
  github_id: number;
  tag_name: string;
  name: string | null;
  body: string | null;
  draft: boolean;
  prerelease: boolean;
  author_login: string | null;
  assets: JSONColumnType<ReleaseAsset[], string, string>;
  created_at: Date;
  published_at: Date | null;
}

export interface ReleasesSchema {
  releases: ReleasesTable;
}
