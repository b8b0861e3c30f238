import { randomUUID } from 'node:crypto';
import type { WebhookEvent } from './events.js';
import { signPayload } from './sign-payload.js';

export interface DeliveryTarget {
  hookId: number;
  url: string;
  secret: string | null;
  contentType: 'json' | 'form';
  repositoryId: number;
  /** Whose hook it is: a repository's (the default) or a GitHub App's (`integration`, with the App id). */
  owner?: { type: 'repository' | 'integration'; id: number };
  /** Called with each outcome so the hook's `last_response` stays current. */
  onResponse?: (code: number | null, status: string) => void;
}

export interface WebhookDelivery {
  /** Numeric delivery id (a redelivery gets a new one). */
  id: number;
  /** `X-GitHub-Delivery`: kept on redelivery and on fault-injected duplicates. */
  guid: string;
  hookId: number;
  repositoryId: number;
  event: string;
  action: string | null;
  url: string;
  redelivery: boolean;
  deliveredAt: string;
  durationMs: number;
  statusCode: number;
  status: string;
  /** True when a webhook fault swallowed it: the receiver never saw it. */
  dropped: boolean;
  request: { headers: Record<string, string>; body: string };
  response: { headers: Record<string, string>; body: string };
  /** The payload as an object, for assertions. */
  payload: Record<string, unknown>;
}

type WebhookFault = { kind: 'drop' | 'duplicate' | 'delay'; remaining: number; delayMs: number; event?: string };

/** What each webhook fault does to the next deliveries (of one event, when named); the package README lists them from here. */
export const WEBHOOK_FAULTS = {
  drop: 'recorded as failed, never reaching the receiver',
  duplicate: 'sent twice with the same GUID, as GitHub sometimes does',
  delay: 'sent only after a delay',
} as const satisfies Record<WebhookFault['kind'], string>;

/** GitHub waits 10 s for a response: https://docs.github.com/webhooks/using-webhooks/handling-failed-webhook-deliveries */
const TIMEOUT_MS = 10_000;

/**
 * Sends webhook deliveries the way GitHub's Hookshot does — a POST with `X-GitHub-Event`,
 * a fresh GUID in `X-GitHub-Delivery`, `X-GitHub-Hook-ID`, the HMAC signatures and
 * GitHub's user agent — records every attempt, supports redelivery (same GUID) and
 * fault injection (drop, duplicate, delay the next N deliveries).
 * https://docs.github.com/webhooks/webhook-events-and-payloads#delivery-headers
 */
export class WebhookDeliveries {
  private readonly deliveries: WebhookDelivery[] = [];
  private readonly targets = new Map<number, DeliveryTarget>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly faultRules: WebhookFault[] = [];
  private readonly waiters = new Set<() => void>();
  private nextId = 1;

  readonly faults = {
    /** The next `count` deliveries are recorded as failed and never reach the receiver. */
    drop: (count = 1, event?: string) => this.faultRules.push({ kind: 'drop', remaining: count, delayMs: 0, event }),
    /** The next `count` deliveries are sent twice with the same GUID, as GitHub sometimes does. */
    duplicate: (count = 1, event?: string) => this.faultRules.push({ kind: 'duplicate', remaining: count, delayMs: 0, event }),
    /** The next `count` deliveries leave only after `delayMs`. */
    delay: (count: number, delayMs: number, event?: string) => this.faultRules.push({ kind: 'delay', remaining: count, delayMs, event }),
    clear: () => this.faultRules.splice(0, this.faultRules.length),
  };

  /** Queues one delivery of `event` to a hook; resolves once it was attempted. */
  send(target: DeliveryTarget, event: WebhookEvent, payload: Record<string, unknown>): Promise<WebhookDelivery> {
    this.targets.set(target.hookId, target);
    const fault = this.takeFault(event);
    const guid = randomUUID();
    const body = JSON.stringify(payload);
    const attempt = async () => {
      if (fault?.kind === 'delay') await new Promise((r) => setTimeout(r, fault.delayMs));
      if (fault?.kind === 'drop') return this.record(target, event, payload, guid, body, false, { statusCode: 0, status: 'dropped by emulator fault', dropped: true });
      const first = await this.post(target, event, payload, guid, body, false);
      if (fault?.kind === 'duplicate') await this.post(target, event, payload, guid, body, false);
      return first;
    };
    return this.track(attempt());
  }

  /** Counts work that ends in deliveries (a payload still being built) as in flight, so `settled()` waits for it. */
  queue(work: Promise<unknown>): void {
    void this.track(work.catch((error: unknown) => console.error('github-emulator: webhook payload failed', error)));
  }

  /** Re-sends a recorded delivery with the same GUID and body, flagged as a redelivery. */
  redeliver(id: number): Promise<WebhookDelivery> {
    const original = this.deliveries.find((d) => d.id === id);
    const target = original ? this.targets.get(original.hookId) : undefined;
    if (!original || !target) return Promise.reject(new Error(`no delivery ${id}`));
    return this.track(this.post(target, original.event, original.payload, original.guid, JSON.stringify(original.payload), true));
  }

  list(filter: { event?: string; hookId?: number; guid?: string } = {}): WebhookDelivery[] {
    return this.deliveries.filter(
      (d) => (filter.event === undefined || d.event === filter.event) && (filter.hookId === undefined || d.hookId === filter.hookId) && (filter.guid === undefined || d.guid === filter.guid),
    );
  }

  get(id: number): WebhookDelivery | null {
    return this.deliveries.find((d) => d.id === id) ?? null;
  }

  /** Resolves with the first recorded delivery matching `predicate`, waiting up to `timeoutMs`. */
  waitFor(predicate: (d: WebhookDelivery) => boolean, timeoutMs = 10_000): Promise<WebhookDelivery> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.deliveries.find(predicate);
        if (!found) return false;
        this.waiters.delete(onRecord);
        clearTimeout(timer);
        resolve(found);
        return true;
      };
      const onRecord = () => void check();
      const timer = setTimeout(() => {
        this.waiters.delete(onRecord);
        reject(new Error(`no matching webhook delivery within ${timeoutMs} ms (have: ${this.deliveries.map((d) => d.event).join(', ') || 'none'})`));
      }, timeoutMs);
      if (!check()) this.waiters.add(onRecord);
    });
  }

  /** Waits until every queued delivery has been attempted. */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  clear(): void {
    this.deliveries.splice(0, this.deliveries.length);
  }

  private track<T>(promise: Promise<T>): Promise<T> {
    this.inFlight.add(promise);
    void promise.finally(() => this.inFlight.delete(promise)).catch(() => undefined);
    return promise;
  }

  private takeFault(event: string): WebhookFault | null {
    const fault = this.faultRules.find((f) => f.remaining > 0 && (f.event === undefined || f.event === event));
    if (!fault) return null;
    fault.remaining -= 1;
    if (fault.remaining === 0) this.faultRules.splice(this.faultRules.indexOf(fault), 1);
    return fault;
  }

  private async post(target: DeliveryTarget, event: string, payload: Record<string, unknown>, guid: string, json: string, redelivery: boolean): Promise<WebhookDelivery> {
    // `form` hooks get the JSON as a `payload` form field; the signature covers the body as sent.
    const body = target.contentType === 'form' ? `payload=${encodeURIComponent(json)}` : json;
    const headers: Record<string, string> = {
      accept: '*/*',
      'content-type': target.contentType === 'form' ? 'application/x-www-form-urlencoded' : 'application/json',
      'user-agent': 'GitHub-Hookshot/emulator',
      'x-github-delivery': guid,
      'x-github-event': event,
      'x-github-hook-id': String(target.hookId),
      'x-github-hook-installation-target-id': String(target.owner?.id ?? target.repositoryId),
      'x-github-hook-installation-target-type': target.owner?.type ?? 'repository',
      ...(target.secret ? signPayload(target.secret, body) : {}),
    };
    const started = Date.now();
    try {
      const res = await fetch(target.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(TIMEOUT_MS), redirect: 'manual' });
      const text = await res.text();
      target.onResponse?.(res.status, res.ok ? 'active' : 'failed');
      return this.record(target, event, payload, guid, body, redelivery, {
        statusCode: res.status,
        status: res.ok ? 'OK' : `Invalid HTTP Response: ${res.status}`,
        headers,
        responseHeaders: Object.fromEntries(res.headers),
        responseBody: text,
        durationMs: Date.now() - started,
      });
    } catch (error) {
      const timedOut = error instanceof Error && error.name === 'TimeoutError';
      target.onResponse?.(null, 'failed');
      return this.record(target, event, payload, guid, body, redelivery, {
        statusCode: 0,
        status: timedOut ? 'timed out' : `failed to connect: ${(error as Error).message}`,
        headers,
        durationMs: Date.now() - started,
      });
    }
  }

  private record(
    target: DeliveryTarget,
    event: string,
    payload: Record<string, unknown>,
    guid: string,
    body: string,
    redelivery: boolean,
    outcome: { statusCode: number; status: string; dropped?: boolean; headers?: Record<string, string>; responseHeaders?: Record<string, string>; responseBody?: string; durationMs?: number },
  ): WebhookDelivery {
    const delivery: WebhookDelivery = {
      id: this.nextId++,
      guid,
      hookId: target.hookId,
      repositoryId: target.repositoryId,
      event,
      action: typeof payload.action === 'string' ? payload.action : null,
      url: target.url,
      redelivery,
      deliveredAt: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      durationMs: outcome.durationMs ?? 0,
      statusCode: outcome.statusCode,
      status: outcome.status,
      dropped: outcome.dropped ?? false,
      request: { headers: outcome.headers ?? {}, body },
      response: { headers: outcome.responseHeaders ?? {}, body: outcome.responseBody ?? '' },
      payload,
    };
    this.deliveries.push(delivery);
    for (const waiter of [...this.waiters]) waiter();
    return delivery;
  }
}
