import { readRef } from '../git/list-refs.js';
import { resolveCommit } from '../git/resolve-commit.js';
import type { Context } from '../http/context.js';
import { HttpError, validationFailed } from '../http/http-error.js';
import { paginate } from '../http/paginate.js';
import type { Router } from '../http/router.js';
import { releaseShape } from '../shapes/release.js';
import { nextObjectId, type RepoHandle } from '../state/repo-store.js';
import { timestamp } from '../state/timestamp.js';
import type { ReleaseRecord } from '../types.js';
import { ZERO_SHA } from '../webhooks/build-payloads.js';

const DOCS = 'https://docs.github.com/rest/releases/releases';

/**
 * Releases: list (newest first), get, create. Creating a release whose tag does not exist tags
 * `target_commitish`, as GitHub does. Changes deliver the `release` event:
 * https://docs.github.com/webhooks/webhook-events-and-payloads#release
 */
export function releaseRoutes(router: Router): void {
  router.add('GET', '/repos/{owner}/{repo}/releases', `${DOCS}#list-releases`, async (ctx: Context) => {
    const handle = await ctx.core.repo(ctx);
    const page = paginate(ctx, [...handle.info.releases].reverse());
    return { status: 200, json: page.items.map((r) => releaseShape(ctx.core.urls, handle, r)), headers: page.headers };
  });

  router.add('GET', '/repos/{owner}/{repo}/releases/{release_id}', `${DOCS}#get-a-release`, async (ctx: Context) => {
    const handle = await ctx.core.repo(ctx);
    const release = handle.info.releases.find((r) => r.id === Number(ctx.params.release_id));
    if (!release) throw new HttpError(404, 'Not Found', { documentation_url: ctx.docs });
    return { status: 200, json: releaseShape(ctx.core.urls, handle, release) };
  });

  router.add('POST', '/repos/{owner}/{repo}/releases', `${DOCS}#create-a-release`, async (ctx: Context) => {
    const handle = await ctx.core.repo(ctx, { write: true });
    const body = (ctx.body ?? {}) as Record<string, unknown>;
    if (typeof body.tag_name !== 'string' || body.tag_name === '') throw validationFailed('Release', 'tag_name', 'missing_field', ctx.docs);
    if (handle.info.releases.some((r) => r.tagName === body.tag_name)) throw validationFailed('Release', 'tag_name', 'already_exists', ctx.docs);
    const target = typeof body.target_commitish === 'string' ? body.target_commitish : await ctx.core.defaultBranch(handle);
    const actor = ctx.core.actor(ctx.identity, handle);
    const tagRef = `refs/tags/${body.tag_name}`;
    if (!(await readRef(handle.gitDir, tagRef))) {
      const sha = await resolveCommit(handle.gitDir, target);
      if (!sha) throw validationFailed('Release', 'target_commitish', 'invalid', ctx.docs);
      await ctx.core.store.withLock(handle, () => ctx.core.moveRef(handle, tagRef, sha, ZERO_SHA, actor));
    }
    const release = await ctx.core.store.withLock(handle, async () => {
      const now = timestamp();
      const draft = body.draft === true;
      const created: ReleaseRecord = {
        id: nextObjectId(handle, 'release'),
        tagName: body.tag_name as string,
        targetCommitish: target,
        name: typeof body.name === 'string' ? body.name : null,
        body: typeof body.body === 'string' ? body.body : null,
        draft,
        prerelease: body.prerelease === true,
        author: actor,
        createdAt: now,
        publishedAt: draft ? null : now,
        updatedAt: now,
        assets: [],
      };
      handle.info.releases.push(created);
      await ctx.core.store.save(handle);
      return created;
    });
    const json = releaseShape(ctx.core.urls, handle, release);
    await ctx.core.announce(handle, 'release', actor, { action: 'created', release: json });
    if (!release.draft) await ctx.core.announce(handle, 'release', actor, { action: 'published', release: json });
    return { status: 201, json, headers: { location: json.url } };
  });
}

/** Records an uploaded asset's name and size on a release (the emulator keeps no asset bytes). */
export async function addReleaseAsset(handle: RepoHandle, save: () => Promise<void>, releaseId: number, name: string, size: number, contentType: string): Promise<number> {
  const release = handle.info.releases.find((r) => r.id === releaseId);
  if (!release) throw new Error(`no release ${releaseId} in ${handle.owner}/${handle.name}`);
  const id = nextObjectId(handle, 'release-asset');
  release.assets.push({ id, name, size, contentType, createdAt: timestamp() });
  release.updatedAt = timestamp();
  await save();
  return id;
}
