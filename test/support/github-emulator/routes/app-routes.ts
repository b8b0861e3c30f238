import type { InstallationRecord } from '../auth/app-admin.js';
import type { Context } from '../http/context.js';
import { HttpError } from '../http/http-error.js';
import type { Router } from '../http/router.js';
import { repositoryShape } from '../shapes/repository.js';
import { userShape } from '../shapes/user.js';
import type { Urls } from '../shapes/urls.js';

const DOCS = 'https://docs.github.com/rest/apps/apps';
const PERMISSIONS = { contents: 'write', metadata: 'read', pull_requests: 'write', administration: 'read' };

/** The App side of authentication: https://docs.github.com/rest/apps/apps */
export function appRoutes(router: Router): void {
  router.add('GET', '/app', `${DOCS}#get-the-authenticated-app`, async (ctx: Context) => {
    const appId = requireApp(ctx);
    const slug = ctx.core.apps.slug(appId);
    const now = new Date(0).toISOString().replace(/\.\d{3}Z$/, 'Z');
    return {
      status: 200,
      json: {
        id: appId,
        slug,
        node_id: `A_${appId}`,
        client_id: `Iv1.${appId}`,
        owner: userShape(ctx.core.urls, 'emulator-admin'),
        name: slug,
        description: 'GitHub App served by the reposync GitHub emulator',
        external_url: ctx.core.urls.web,
        html_url: `${ctx.core.urls.web}/apps/${slug}`,
        created_at: now,
        updated_at: now,
        permissions: PERMISSIONS,
        events: ['push', 'create', 'delete', 'pull_request', 'repository'],
        installations_count: ctx.core.apps.installationsOf(appId).length,
      },
    };
  });

  router.add('GET', '/app/installations', `${DOCS}#list-installations-for-the-authenticated-app`, async (ctx: Context) => {
    const appId = requireApp(ctx);
    return { status: 200, json: ctx.core.apps.installationsOf(appId).map((i) => installationShape(ctx.core.urls, i, ctx.core.apps.slug(appId))) };
  });

  router.add('GET', '/app/installations/{installation_id}', `${DOCS}#get-an-installation-for-the-authenticated-app`, async (ctx: Context) => {
    const appId = requireApp(ctx);
    const installation = ownInstallation(ctx, appId);
    return { status: 200, json: installationShape(ctx.core.urls, installation, ctx.core.apps.slug(appId)) };
  });

  // Installation tokens expire after one hour:
  // https://docs.github.com/rest/apps/apps#create-an-installation-access-token-for-an-app
  router.add('POST', '/app/installations/{installation_id}/access_tokens', `${DOCS}#create-an-installation-access-token-for-an-app`, async (ctx: Context) => {
    const appId = requireApp(ctx);
    const installation = ownInstallation(ctx, appId);
    const minted = ctx.core.apps.mintToken(installation.id);
    return {
      status: 201,
      json: {
        token: minted.token,
        expires_at: new Date(minted.expiresAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        permissions: PERMISSIONS,
        repository_selection: installation.repositories === 'all' ? 'all' : 'selected',
      },
    };
  });

  router.add('GET', '/repos/{owner}/{repo}/installation', `${DOCS}#get-a-repository-installation-for-the-authenticated-app`, async (ctx: Context) => {
    const appId = requireApp(ctx);
    const handle = await ctx.core.store.find(ctx.params.owner ?? '', ctx.params.repo ?? '');
    const installation = handle ? ctx.core.apps.installationFor(appId, handle.owner, handle.name) : null;
    if (!installation) throw new HttpError(404, 'Not Found', { documentation_url: ctx.docs });
    return { status: 200, json: installationShape(ctx.core.urls, installation, ctx.core.apps.slug(appId)) };
  });

  router.add('GET', '/installation/repositories', 'https://docs.github.com/rest/apps/installations#list-repositories-accessible-to-the-app-installation', async (ctx: Context) => {
    if (ctx.identity.kind !== 'installation') throw new HttpError(403, 'This endpoint can only be accessed with an installation token', { documentation_url: ctx.docs });
    const handles = (await ctx.core.store.list()).filter((h) => ctx.core.canRead(ctx.identity, h));
    const repositories = await Promise.all(handles.map(async (h) => repositoryShape(ctx.core.urls, h, await ctx.core.facts(h))));
    return { status: 200, json: { total_count: repositories.length, repository_selection: ctx.identity.repositories === 'all' ? 'all' : 'selected', repositories } };
  });
}

/** App endpoints accept only the app's JWT; anything else is 401 like GitHub's. */
function requireApp(ctx: Context): number {
  if (ctx.identity.kind !== 'app') throw new HttpError(401, 'A JSON web token could not be decoded', { documentation_url: ctx.docs });
  return ctx.identity.appId;
}

function ownInstallation(ctx: Context, appId: number): InstallationRecord {
  const installation = ctx.core.apps.installation(Number(ctx.params.installation_id));
  if (!installation || installation.appId !== appId) throw new HttpError(404, 'Not Found', { documentation_url: ctx.docs });
  return installation;
}

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
    events: ['push', 'create', 'delete', 'pull_request', 'repository'],
    created_at: i.createdAt,
    updated_at: i.createdAt,
    single_file_name: null,
    has_multiple_single_files: false,
    single_file_paths: [],
    suspended_by: null,
    suspended_at: null,
  };
}
