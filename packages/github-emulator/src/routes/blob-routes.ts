import { writeBlob } from '../git/build-tree.js';
import { objectType } from '../git/resolve-commit.js';
import { runGit } from '../git/run-git.js';
import type { Context } from '../http/context.js';
import { HttpError } from '../http/http-error.js';
import type { Router } from '../http/router.js';
import { blobShape, shortBlobShape } from '../shapes/git-objects.js';
import { repoApiUrl } from '../shapes/urls.js';

const DOCS = 'https://docs.github.com/rest/git/blobs';

/** Git blobs: https://docs.github.com/rest/git/blobs */
export function blobRoutes(router: Router): void {
  router.add('GET', '/repos/{owner}/{repo}/git/blobs/{file_sha}', `${DOCS}#get-a-blob`, async (ctx: Context) => {
    const handle = await ctx.core.repo(ctx);
    const sha = ctx.params.file_sha ?? '';
    if (sha.length !== 40 || (await objectType(handle.gitDir, sha)) !== 'blob') throw new HttpError(404, 'Not Found', { documentation_url: ctx.docs });
    const { stdout } = await runGit(handle.gitDir, ['cat-file', 'blob', sha]);
    // `application/vnd.github.raw` returns the bytes themselves.
    if (/application\/vnd\.github(\.v3)?\.raw/.test(ctx.accept)) return { status: 200, raw: { body: stdout, contentType: 'application/vnd.github.raw' } };
    return { status: 200, json: blobShape(ctx.core.urls, handle, sha, stdout) };
  });

  router.add('POST', '/repos/{owner}/{repo}/git/blobs', `${DOCS}#create-a-blob`, async (ctx: Context) => {
    const handle = await ctx.core.repo(ctx, { write: true });
    const { content, encoding = 'utf-8' } = (ctx.body ?? {}) as { content?: unknown; encoding?: unknown };
    if (typeof content !== 'string') throw new HttpError(422, 'Invalid request.\n\n"content" wasn\'t supplied.', { documentation_url: ctx.docs });
    if (encoding !== 'utf-8' && encoding !== 'utf8' && encoding !== 'base64') {
      throw new HttpError(422, `encoding must be either "utf-8" or "base64", got ${JSON.stringify(encoding)}`, { documentation_url: ctx.docs });
    }
    const bytes = Buffer.from(content, encoding === 'base64' ? 'base64' : 'utf8');
    const sha = await writeBlob(handle.gitDir, bytes);
    return { status: 201, json: shortBlobShape(ctx.core.urls, handle, sha), headers: { location: `${repoApiUrl(ctx.core.urls, handle.owner, handle.name)}/git/blobs/${sha}` } };
  });
}
