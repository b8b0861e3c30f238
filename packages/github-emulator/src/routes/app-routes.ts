import type { InstallationRecord } from '../auth/app-admin.js';
import type { Context } from '../http/context.js';
import { SUSPENDED } from '../core.js';
import { HttpError } from '../http/http-error.js';
import { paginate } from '../http/paginate.js';
import type { Router } from '../http/router.js';
import type { RepoHandle } from '../state/repo-store.js';
import { APP_EVENTS, installationShape, PERMISSIONS } from '../shapes/installation.js';
import { repositoryShape } from '../shapes/repository.js';
import { userShape } from '../shapes/user.js';

const DOCS = 'https://docs.github.com/rest/apps/apps';
/** Every emulated App belongs to the emulator's admin user. */
const APP_OWNER = 'emulator-admin';
const INSTALLATION_DOCS = 'https://docs.github.com/rest/apps/installations';
/** What an installation token may do on a repository it covers (contents: write). */
const INSTALLATION_PERMISSIONS = { admin: false, push: true, pull: true };

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
        owner: userShape(ctx.core.urls, APP_OWNER),
        name: slug,
        description: 'GitHub App served by the reposync GitHub emulator',
        external_url: ctx.core.urls.web,
        html_url: `${ctx.core.urls.web}/apps/${slug}`,
        created_at: now,
        updated_at: now,
        permissions: PERMISSIONS,
        events: APP_EVENTS,
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
    if (installation.suspendedAt) throw new HttpError(403, SUSPENDED, { documentation_url: ctx.docs });
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

  // Suspending blocks the installation's tokens until the App owner lifts it.
  router.add('PUT', '/app/installations/{installation_id}/suspended', `${DOCS}#suspend-an-app-installation`, async (ctx: Context) => {
    // The App's owner is the one suspending it.
    ctx.core.apps.suspend(ownInstallation(ctx, requireApp(ctx)).id, APP_OWNER);
    return { status: 204 };
  });

  router.add('DELETE', '/app/installations/{installation_id}/suspended', `${DOCS}#unsuspend-an-app-installation`, async (ctx: Context) => {
    ctx.core.apps.unsuspend(ownInstallation(ctx, requireApp(ctx)).id);
    return { status: 204 };
  });

  // Lists what the installation covers now: every repository of the account, or the selected ones, by name.
  router.add('GET', '/installation/repositories', `${INSTALLATION_DOCS}#list-repositories-accessible-to-the-app-installation`, async (ctx: Context) => {
    if (ctx.identity.kind !== 'installation') throw new HttpError(403, 'This endpoint can only be accessed with an installation token', { documentation_url: ctx.docs });
    const installation = ctx.core.apps.installation(ctx.identity.installationId);
    const covered = (await ctx.core.store.list()).filter((h) => ctx.core.canRead(ctx.identity, h)).sort(byFullName);
    const { items, headers } = paginate(ctx, covered);
    const repositories = await Promise.all(items.map(async (h) => repositoryShape(ctx.core.urls, h, await ctx.core.facts(h), INSTALLATION_PERMISSIONS)));
    return { status: 200, headers, json: { total_count: covered.length, repository_selection: installation?.repositories === 'all' ? 'all' : 'selected', repositories } };
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

function byFullName(a: RepoHandle, b: RepoHandle): number {
  return `${a.owner}/${a.name}`.toLowerCase().localeCompare(`${b.owner}/${b.name}`.toLowerCase());
}
