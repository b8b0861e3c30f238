import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Identity } from '../auth/identity.js';
import type { EmulatorCore } from '../core.js';
import type { FaultRule, RequestLogEntry } from '../types.js';
import type { Context, Reply } from './context.js';
import { HttpError } from './http-error.js';
import { rateHeaders } from './rate-limiter.js';
import { readJsonBody } from './read-body.js';
import { userId } from '../shapes/user.js';
import type { Router } from './router.js';
import { COMMON_HEADERS, etagMatches, etagOf, serialise, writeReply, type ReplyCut } from './write-reply.js';

export type Host = 'api' | 'codeload';

const RATE_DOCS = 'https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api';

/**
 * The request pipeline: faults → route → auth → primary rate limit → handler → ETag/304 →
 * headers → body → request log. Codeload answers carry no rate-limit headers and cost nothing,
 * like codeload.github.com.
 */
export function createRequestHandler(core: EmulatorCore, router: Router, host: Host) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    handle(core, router, host, req, res).catch((error: unknown) => {
      console.error('github-emulator: unhandled error', error);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({ message: 'Server Error' }));
    });
  };
}

async function handle(core: EmulatorCore, router: Router, host: Host, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://emulator');
  const method = (req.method ?? 'GET').toUpperCase();
  const path = url.pathname;
  const head = method === 'HEAD';
  const base = { ...(host === 'api' ? COMMON_HEADERS : {}), 'x-github-request-id': requestId() };
  const logEntry: RequestLogEntry = { method, path, route: `${method} ${path}`, status: 0, cost: 0, rateLimited: false, faulted: false, host, at: Date.now() };
  const record = (fields: Partial<RequestLogEntry> & { status: number }) => core.log.record({ ...logEntry, ...fields });

  const fault = core.faults.take(method, path);
  // The body is taken in while a delay runs, as GitHub does: a request it received whole is
  // carried out even when the client has gone by the time it answers.
  const body = method === 'GET' || method === 'HEAD' ? Promise.resolve(undefined) : readJsonBody(req);
  body.catch(() => {});
  if (fault?.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
  if (fault?.holdUntil) await fault.holdUntil.catch(() => undefined);
  if (fault?.reset) {
    req.socket.destroy();
    record({ status: 0, faulted: true });
    return;
  }

  const match = router.match(method, path);
  const route = match && 'route' in match ? match.route : `${method} ${path}`;
  let identity: Identity = { kind: 'anonymous', key: `ip:${req.socket.remoteAddress ?? ''}` };
  let reply: Reply;
  let cost = 0;
  let rateLimited = false;
  /** Whether the request's point was taken when it was admitted. */
  let charged = false;
  const rateKey = () => identity.key;
  let limit = await core.rateLimitFor(identity.key);

  if (fault?.status !== undefined) {
    // A faulted answer still carries the rate headers of the credential that asked, as GitHub's do.
    try {
      identity = core.identify(req);
      limit = await core.rateLimitFor(identity.key);
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
    }
    reply = faultReply(fault);
    rateLimited = fault.status === 403 || fault.status === 429;
  } else {
    try {
      identity = core.identify(req);
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      reply = { status: error.status, json: error.body() };
      return finish();
    }
    limit = await core.rateLimitFor(identity.key);
    if (host === 'api' && core.rate.state(rateKey(), limit).remaining === 0) {
      rateLimited = true;
      reply = {
        status: 403,
        json: { message: rateLimitMessage(identity), documentation_url: RATE_DOCS, status: '403' },
      };
      return finish();
    }
    // The point is taken as the request is admitted, not when it is answered, so requests that
    // overlap can never spend more than the budget between them.
    if (host === 'api') {
      core.rate.consume(rateKey(), limit);
      charged = true;
    }
    if (!match || !('route' in match)) {
      reply = { status: 404, json: new HttpError(404, 'Not Found').body() };
    } else {
      try {
        const ctx: Context = {
          req,
          method,
          path,
          query: url.searchParams,
          params: match.params,
          body: await body,
          identity,
          core,
          accept: req.headers.accept ?? '',
          docs: match.docs,
        };
        reply = await match.handler(ctx);
      } catch (error) {
        if (!(error instanceof HttpError)) throw error;
        reply = { status: error.status, json: error.body(), headers: error.extra.headers };
      }
    }
    cost = host === 'api' ? 1 : 0;
  }
  return finish();

  function finish(): void {
    const headers: Record<string, string> = { ...base, ...(reply.headers ?? {}) };
    const serialised = serialise(reply);
    let status = reply.status;
    let body: Buffer | NonNullable<Reply['stream']> | null = serialised?.body ?? reply.stream ?? null;
    if (serialised) headers['content-type'] = serialised.contentType;
    if (serialised && (method === 'GET' || head) && status === 200) {
      headers.etag = etagOf(serialised.body);
      headers['cache-control'] = identity.kind === 'anonymous' ? 'public, max-age=60, s-maxage=60' : 'private, max-age=60, s-maxage=60';
      // A conditional request answered 304 does not count against the rate limit.
      // https://docs.github.com/rest/using-the-rest-api/best-practices-for-using-the-rest-api#use-conditional-requests-if-appropriate
      if (etagMatches(req.headers['if-none-match'], headers.etag)) {
        status = 304;
        body = null;
        cost = 0;
        delete headers['content-type'];
      }
    }
    if (host === 'api') {
      const state = charged && cost === 0 ? core.rate.refund(rateKey(), limit) : !charged && cost > 0 ? core.rate.consume(rateKey(), limit) : core.rate.state(rateKey(), limit);
      Object.assign(headers, rateHeaders(state), fault?.headers ?? {});
      if (identity.kind === 'pat') Object.assign(headers, { 'x-oauth-scopes': 'repo, admin:repo_hook', 'x-accepted-oauth-scopes': 'repo' });
    } else if (fault?.headers) {
      Object.assign(headers, fault.headers);
    }
    if (Buffer.isBuffer(body)) headers['content-length'] = String(body.length);
    writeReply(res, status, headers, body, head, replyCut(fault), fault?.bytesPerSecond);
    record({ route, status, cost, rateLimited, faulted: fault !== null });
  }
}

function replyCut(fault: FaultRule | null): ReplyCut | undefined {
  if (fault?.cutAfterBytes !== undefined) return { afterBytes: fault.cutAfterBytes, then: 'drop' };
  if (fault?.stallAfterBytes !== undefined) return { afterBytes: fault.stallAfterBytes, then: 'stall' };
  return undefined;
}

function faultReply(fault: FaultRule): Reply {
  const status = fault.status ?? 500;
  if (fault.body === undefined) {
    const message = status >= 500 ? 'Server Error' : status === 429 || status === 403 ? 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.' : 'Emulated fault';
    return { status, json: { message, documentation_url: status >= 500 ? 'https://docs.github.com/rest' : RATE_DOCS, status: String(status) } };
  }
  if (typeof fault.body === 'string' || Buffer.isBuffer(fault.body)) return { status, raw: { body: fault.body, contentType: 'text/plain; charset=utf-8' } };
  return { status, json: fault.body };
}

/**
 * GitHub names the exhausted budget: the caller's IP (with a hint to authenticate), the user's
 * numeric id, or the installation whose tokens share it.
 */
function rateLimitMessage(identity: Identity): string {
  if (identity.kind === 'anonymous') {
    return `API rate limit exceeded for ${identity.key.replace(/^ip:/, '')}. (But here's the good news: Authenticated requests get a higher rate limit. Check out the documentation for more details.)`;
  }
  if (identity.kind === 'pat') return `API rate limit exceeded for user ID ${userId(identity.login)}.`;
  if (identity.kind === 'installation') return `API rate limit exceeded for installation ID ${identity.installationId}.`;
  return `API rate limit exceeded for app ID ${identity.appId}.`;
}

function requestId(): string {
  const hex = randomBytes(10).toString('hex').toUpperCase();
  return `${hex.slice(0, 4)}:${hex.slice(4, 8)}:${hex.slice(8, 14)}:${hex.slice(14, 20)}:${Math.floor(Date.now() / 1000).toString(16).toUpperCase()}`;
}
