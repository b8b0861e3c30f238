import { randomInt } from 'node:crypto';
import type { Context } from '../http/context.js';
import { HttpError } from '../http/http-error.js';
import { paginate } from '../http/paginate.js';
import type { Router } from '../http/router.js';
import { hookShape } from '../shapes/hook.js';
import type { RepoHandle } from '../state/repo-store.js';
import type { HookRecord } from '../types.js';
import type { WebhookDelivery } from '../webhooks/webhook-deliveries.js';

const DOCS = 'https://docs.github.com/rest/repos/webhooks';

/** Repository webhooks and their deliveries: https://docs.github.com/rest/repos/webhooks */
export function hookRoutes(router: Router): void {
  router.add('POST', '/repos/{owner}/{repo}/hooks', `${DOCS}#create-a-repository-webhook`, async (ctx: Context) => {
    const handle = await ctx.core.repo(ctx, { write: true, admin: true });
    const body = (ctx.body ?? {}) as { name?: unknown; config?: { url?: unknown; content_type?: unknown; secret?: unknown }; events?: unknown; active?: unknown };
    const url = body.config?.url;
    if (typeof url !== 'string' || !/^https?:\/\//.test(url)) {
      throw new HttpError(422, 'Validation Failed', { errors: [{ resource: 'Hook', code: 'custom', message: 'Config must contain URL for webhooks' }], documentation_url: ctx.docs });
    }
    const events = Array.isArray(body.events) && body.events.every((e) => typeof e === 'string') ? (body.events as string[]) : ['push'];
    // GitHub refuses a second hook with the same URL on one repository.
    if (handle.info.hooks.some((h) => h.url === url)) {
      throw new HttpError(422, 'Validation Failed', { errors: [{ resource: 'Hook', code: 'custom', message: 'Hook already exists on this repository' }], documentation_url: ctx.docs });
    }
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const hook: HookRecord = {
      id: randomInt(1, 2 ** 31 - 1),
      url,
      secret: typeof body.config?.secret === 'string' && body.config.secret !== '' ? body.config.secret : null,
      // GitHub's default content type is form-encoded.
      contentType: body.config?.content_type === 'json' ? 'json' : 'form',
      events,
      active: body.active !== false,
      createdAt: now,
      updatedAt: now,
      lastResponse: { code: null, status: 'unused', message: null },
    };
    await ctx.core.store.withLock(handle, async () => {
      handle.info.hooks.push(hook);
      await ctx.core.store.save(handle);
    });
    // GitHub pings every new hook: https://docs.github.com/webhooks/webhook-events-and-payloads#ping
    if (hook.active) ctx.core.webhooks.queue(ctx.core.ping(handle, hook.id, ctx.core.actor(ctx.identity, handle)));
    const json = hookShape(ctx.core.urls, handle, hook);
    return { status: 201, json, headers: { location: json.url } };
  });

  router.add('GET', '/repos/{owner}/{repo}/hooks', `${DOCS}#list-repository-webhooks`, async (ctx: Context) => {
    const handle = await ctx.core.repo(ctx, { write: true, admin: true });
    const page = paginate(ctx, handle.info.hooks);
    return { status: 200, json: page.items.map((h) => hookShape(ctx.core.urls, handle, h)), headers: page.headers };
  });

  router.add('GET', '/repos/{owner}/{repo}/hooks/{hook_id}', `${DOCS}#get-a-repository-webhook`, async (ctx: Context) => {
    const handle = await ctx.core.repo(ctx, { write: true, admin: true });
    return { status: 200, json: hookShape(ctx.core.urls, handle, findHook(ctx, handle)) };
  });

  router.add('PATCH', '/repos/{owner}/{repo}/hooks/{hook_id}', `${DOCS}#update-a-repository-webhook`, async (ctx: Context) => {
    const handle = await ctx.core.repo(ctx, { write: true, admin: true });
    const hook = findHook(ctx, handle);
    const body = (ctx.body ?? {}) as { config?: { url?: unknown; content_type?: unknown; secret?: unknown }; events?: unknown; active?: unknown };
    const url = body.config?.url ?? hook.url;
    if (typeof url !== 'string' || !/^https?:\/\//.test(url)) {
      throw new HttpError(422, 'Validation Failed', { errors: [{ resource: 'Hook', code: 'custom', message: 'Config must contain URL for webhooks' }], documentation_url: ctx.docs });
    }
    if (body.events !== undefined && !(Array.isArray(body.events) && body.events.every((e) => typeof e === 'string'))) {
      throw new HttpError(422, 'Validation Failed', { errors: [{ resource: 'Hook', code: 'invalid', field: 'events' }], documentation_url: ctx.docs });
    }
    await ctx.core.store.withLock(handle, async () => {
      hook.url = url;
      // Without a config object the secret is kept; a config without a secret removes it, as on GitHub.
      if (body.config) hook.secret = typeof body.config.secret === 'string' && body.config.secret !== '' ? body.config.secret : null;
      if (body.config?.content_type !== undefined) hook.contentType = body.config.content_type === 'json' ? 'json' : 'form';
      if (body.events !== undefined) hook.events = body.events as string[];
      if (typeof body.active === 'boolean') hook.active = body.active;
      hook.updatedAt = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
      await ctx.core.store.save(handle);
    });
    return { status: 200, json: hookShape(ctx.core.urls, handle, hook) };
  });

  router.add('DELETE', '/repos/{owner}/{repo}/hooks/{hook_id}', `${DOCS}#delete-a-repository-webhook`, async (ctx: Context) => {
    const handle = await ctx.core.repo(ctx, { write: true, admin: true });
    const hook = findHook(ctx, handle);
    await ctx.core.store.withLock(handle, async () => {
      handle.info.hooks = handle.info.hooks.filter((h) => h.id !== hook.id);
      await ctx.core.store.save(handle);
    });
    return { status: 204 };
  });

  router.add('POST', '/repos/{owner}/{repo}/hooks/{hook_id}/pings', `${DOCS}#ping-a-repository-webhook`, async (ctx: Context) => {
    const handle = await ctx.core.repo(ctx, { write: true, admin: true });
    const hook = findHook(ctx, handle);
    ctx.core.webhooks.queue(ctx.core.ping(handle, hook.id, ctx.core.actor(ctx.identity, handle)));
    return { status: 204 };
  });

  // https://docs.github.com/rest/repos/webhooks#list-deliveries-for-a-repository-webhook
  router.add('GET', '/repos/{owner}/{repo}/hooks/{hook_id}/deliveries', `${DOCS}#list-deliveries-for-a-repository-webhook`, async (ctx: Context) => {
    const handle = await ctx.core.repo(ctx, { write: true, admin: true });
    const hook = findHook(ctx, handle);
    const newestFirst = ctx.core.webhooks.list({ hookId: hook.id }).reverse();
    const page = paginate(ctx, newestFirst);
    return { status: 200, json: page.items.map(deliveryItem), headers: page.headers };
  });

  router.add('GET', '/repos/{owner}/{repo}/hooks/{hook_id}/deliveries/{delivery_id}', `${DOCS}#get-a-delivery-for-a-repository-webhook`, async (ctx: Context) => {
    const handle = await ctx.core.repo(ctx, { write: true, admin: true });
    const delivery = findDelivery(ctx, findHook(ctx, handle));
    return {
      status: 200,
      json: {
        ...deliveryItem(delivery),
        url: delivery.url,
        request: { headers: delivery.request.headers, payload: delivery.payload },
        response: { headers: delivery.response.headers, payload: delivery.response.body },
      },
    };
  });

  // Redelivery keeps the GUID: https://docs.github.com/rest/repos/webhooks#redeliver-a-delivery-for-a-repository-webhook
  router.add('POST', '/repos/{owner}/{repo}/hooks/{hook_id}/deliveries/{delivery_id}/attempts', `${DOCS}#redeliver-a-delivery-for-a-repository-webhook`, async (ctx: Context) => {
    const handle = await ctx.core.repo(ctx, { write: true, admin: true });
    const delivery = findDelivery(ctx, findHook(ctx, handle));
    void ctx.core.webhooks.redeliver(delivery.id);
    return { status: 202, json: {} };
  });
}

function findHook(ctx: Context, handle: RepoHandle): HookRecord {
  const hook = handle.info.hooks.find((h) => h.id === Number(ctx.params.hook_id));
  if (!hook) throw new HttpError(404, 'Not Found', { documentation_url: ctx.docs });
  return hook;
}

function findDelivery(ctx: Context, hook: HookRecord): WebhookDelivery {
  const delivery = ctx.core.webhooks.get(Number(ctx.params.delivery_id));
  if (!delivery || delivery.hookId !== hook.id) throw new HttpError(404, 'Not Found', { documentation_url: ctx.docs });
  return delivery;
}

/** GitHub's `hook-delivery-item`. */
function deliveryItem(d: WebhookDelivery) {
  return {
    id: d.id,
    guid: d.guid,
    delivered_at: d.deliveredAt,
    redelivery: d.redelivery,
    duration: d.durationMs / 1000,
    status: d.status,
    status_code: d.statusCode,
    event: d.event,
    action: d.action,
    installation_id: null,
    repository_id: d.repositoryId,
    throttled_at: null,
  };
}
