import { randomBytes } from 'node:crypto';
import { listRefs } from '../git/list-refs.js';
import { resolveCommit } from '../git/resolve-commit.js';
import { spawnArchive } from '../git/spawn-archive.js';
import type { Context } from '../http/context.js';
import { HttpError } from '../http/http-error.js';
import type { Router } from '../http/router.js';

const DOCS = 'https://docs.github.com/rest/repos/contents#download-a-repository-archive-zip';
/** Codeload links for private repositories carry a short-lived token, as GitHub's do. */
const LINK_TTL_MS = 5 * 60 * 1000;

type Format = 'zip' | 'tar.gz';

/**
 * GET /repos/{o}/{r}/zipball/{ref} and /tarball/{ref}: 302 to the codeload host, exactly like
 * api.github.com → codeload.github.com/{o}/{r}/legacy.zip/{ref}.
 * https://docs.github.com/rest/repos/contents#download-a-repository-archive-zip
 */
export function archiveRoutes(router: Router): void {
  for (const [kind, format] of [['zipball', 'zip'], ['tarball', 'tar.gz']] as const) {
    const redirect = async (ctx: Context) => {
      const handle = await ctx.core.repo(ctx);
      const ref = ctx.params.ref ?? (await ctx.core.facts(handle)).defaultBranch;
      if (!(await resolveCommit(handle.gitDir, ref))) throw new HttpError(404, 'Not Found', { documentation_url: DOCS });
      // GitHub spells branch and tag names out as full refs in the codeload path.
      const refs = await listRefs(handle.gitDir, ['refs/heads/', 'refs/tags/']);
      const full = refs.find((r) => r.ref === `refs/heads/${ref}`)?.ref ?? refs.find((r) => r.ref === `refs/tags/${ref}`)?.ref ?? ref;
      let location = `${ctx.core.urls.codeload}/${handle.owner}/${handle.name}/legacy.${format}/${full}`;
      if (handle.info.private) {
        const token = `${randomBytes(20).toString('hex').toUpperCase()}`;
        ctx.core.archiveLinks.set(token, { repo: `${handle.owner}/${handle.name}`.toLowerCase(), expires: Date.now() + LINK_TTL_MS });
        location += `?token=${token}`;
      }
      return { status: 302, raw: { body: '', contentType: 'text/html;charset=utf-8' }, headers: { location } };
    };
    router.add('GET', `/repos/{owner}/{repo}/${kind}/{ref}`, DOCS, redirect);
    router.add('GET', `/repos/{owner}/{repo}/${kind}`, DOCS, redirect);
  }
}

/**
 * The codeload host: streams `git archive` with the `{owner}-{repo}-{sha7}/` root folder and
 * GitHub's content-type / content-disposition, chunked and never buffered.
 */
export function codeloadRoutes(router: Router): void {
  for (const format of ['zip', 'tar.gz'] as const) {
    router.add('GET', `/{owner}/{repo}/legacy.${format}/{ref}`, DOCS, async (ctx: Context) => serveArchive(ctx, format));
  }
}

async function serveArchive(ctx: Context, format: Format) {
  const notFound = new HttpError(404, 'Not Found');
  const handle = await ctx.core.store.find(ctx.params.owner ?? '', ctx.params.repo ?? '');
  if (!handle) throw notFound;
  if (handle.info.private && !ctx.core.canRead(ctx.identity, handle)) {
    const link = ctx.core.archiveLinks.get(ctx.query.get('token') ?? '');
    if (!link || link.expires < Date.now() || link.repo !== `${handle.owner}/${handle.name}`.toLowerCase()) throw notFound;
  }
  const sha = await resolveCommit(handle.gitDir, ctx.params.ref ?? '');
  if (!sha) throw notFound;
  const root = `${handle.owner}-${handle.name}-${sha.slice(0, 7)}`;
  return {
    status: 200,
    stream: spawnArchive(handle.gitDir, format, `${root}/`, sha),
    headers: {
      'content-type': format === 'zip' ? 'application/zip' : 'application/x-gzip',
      'content-disposition': `attachment; filename=${root}.${format}`,
      etag: `"${sha}"`,
      'access-control-allow-origin': 'https://render.githubusercontent.com',
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; sandbox",
      'cross-origin-resource-policy': 'cross-origin',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'deny',
      vary: 'Authorization,Accept-Encoding,Origin',
    },
  };
}
