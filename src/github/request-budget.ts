import { randomUUID } from 'node:crypto';
import type { ReposyncOctokit } from './octokit.js';
import { rateLimitWaitMs } from './rate-limit-wait.js';

/**
 * Who a request works for, highest first. Each priority leaves part of the credential's hourly
 * budget and of its request slots to the ones above it, so a fleet's initial imports never starve
 * a person waiting on the API, a push, or the poll.
 */
export type RequestPriority = 'interactive' | 'incremental' | 'poll' | 'bulk';

/** The share of the hourly budget a priority may not spend: it is kept for the priorities above. */
export const RESERVE_SHARE: Record<RequestPriority, number> = { interactive: 0, incremental: 0.02, poll: 0.05, bulk: 0.1 };

/** The hourly budget assumed for a credential GitHub has not answered for yet (a token's). */
export const ASSUMED_QUOTA = 5_000;

/** Requests of the budget a priority may not spend. */
export function reserveFor(quota: number | null, priority: RequestPriority): number {
  return Math.ceil((quota ?? ASSUMED_QUOTA) * RESERVE_SHARE[priority]);
}

/** Requests in flight by a credential's leases: those that have not lapsed at `now`. */
export function liveLeaseCount(leases: Record<string, number>, now = Date.now()): number {
  return Object.values(leases).filter((expiresAt) => Number(expiresAt) > now).length;
}

export interface BudgetLimits {
  /** Requests in flight per credential across every process (GitHub's secondary limits punish more). */
  maxInFlight: number;
  /**
   * The gap between the starts of two writes on one credential. Writes are not also made to wait
   * for each other's answers: one hung write (or one held by a worker that died) would stall every
   * write of the credential until its lease lapsed.
   */
  writeSpacingMs: number;
  /** How long a lease lasts: a process that dies mid-request frees its slot after this. */
  leaseMs: number;
  /** The longest wait for a slot or a nearby reset inside the process; past it the attempt fails and is retried later. */
  maxWaitHereMs: number;
}

/**
 * At most 10 requests at once per credential and writes a second apart, as GitHub's best practices
 * ask; a lease outlives the longest answer a request may wait for (30 s by default).
 */
export const DEFAULT_BUDGET_LIMITS: BudgetLimits = { maxInFlight: 10, writeSpacingMs: 1_000, leaseMs: 60_000, maxWaitHereMs: 10_000 };

export interface RequestTicket {
  credential: string;
  id: string;
  write: boolean;
  reserveShare: number;
  maxInFlight: number;
  leaseMs: number;
  writeSpacingMs: number;
}

export type Admission =
  | { admitted: true }
  | { admitted: false; reason: 'budget' | 'blocked' | 'slots'; until: Date | null; remaining: number | null; quota: number | null; inFlight: number };

/** What GitHub's answer said of the budget, each field checked before it is believed. */
export interface RateObservation {
  limit?: number;
  remaining?: number;
  used?: number;
  resetAt?: Date;
  /** GitHub rate-limited the request and named when to come back. */
  blockedUntil?: Date;
}

/** The shared record of every credential's budget (PostgreSQL, so every process sees one). */
export interface CredentialLedger {
  admit(ticket: RequestTicket): Promise<Admission>;
  settle(credential: string, id: string, observation: RateObservation | undefined): Promise<void>;
}

/** A request that may not be sent yet; the activity fails its attempt and is retried when `waitMs` has passed. */
export class CredentialBudgetWait extends Error {
  readonly code = 'waiting-for-rate-limit';
  constructor(
    message: string,
    readonly waitMs: number,
    readonly resumesAt: Date,
  ) {
    super(message);
    this.name = 'CredentialBudgetWait';
  }
}

export interface BudgetGateOptions {
  ledger: CredentialLedger;
  credential: string;
  priority: RequestPriority;
  limits?: BudgetLimits;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface BudgetGate {
  /** Sends every request of `octokit` through the gate. */
  wrapOctokit(octokit: ReposyncOctokit): void;
  /**
   * A `fetch` whose requests to the API at `apiUrl` (the blobs read around Octokit) go through the
   * gate. Other hosts (the archive's download from codeload, whose address carries its own
   * access) spend nothing of the credential's budget and pass straight through.
   */
  wrapFetch(fetch: typeof globalThis.fetch, apiUrl: string): typeof globalThis.fetch;
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Admits each request against the credential's shared budget before it is sent, and records
 * what GitHub's answer says of the budget afterwards. A request that would run the budget below
 * its priority's reserve, or that GitHub told us to hold back, fails with `CredentialBudgetWait`
 * naming when to come back (the activity's retry is scheduled then: sleeping would hold a worker
 * slot for up to an hour); one waiting only for a free slot, or a reset seconds away, waits here.
 * https://docs.github.com/rest/using-the-rest-api/best-practices-for-using-the-rest-api#avoid-concurrent-requests
 */
export function createBudgetGate(options: BudgetGateOptions): BudgetGate {
  const { ledger, credential, priority, limits = DEFAULT_BUDGET_LIMITS, now = Date.now, sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms)) } = options;
  // Lower priorities may hold only part of the slots, so a burst of bulk work leaves room above it.
  const maxInFlight = priority === 'bulk' ? Math.max(1, Math.ceil(limits.maxInFlight / 2)) : priority === 'poll' ? Math.max(1, limits.maxInFlight - 1) : limits.maxInFlight;

  async function admit(write: boolean): Promise<string> {
    const ticket: RequestTicket = { credential, id: randomUUID(), write, reserveShare: RESERVE_SHARE[priority], maxInFlight, leaseMs: limits.leaseMs, writeSpacingMs: limits.writeSpacingMs };
    const giveUpAt = now() + limits.maxWaitHereMs;
    for (let round = 0; ; round += 1) {
      const admission = await ledger.admit(ticket);
      if (admission.admitted) return ticket.id;
      const untilMs = admission.until?.getTime();
      const waitMs = untilMs !== undefined && untilMs > now() ? untilMs - now() : backoffMs(round);
      if (now() + waitMs > giveUpAt) throw budgetWait(admission, Math.max(waitMs, 1_000));
      await sleep(waitMs);
    }
  }

  function budgetWait(admission: Exclude<Admission, { admitted: true }>, waitMs: number): CredentialBudgetWait {
    const resumesAt = new Date(now() + waitMs);
    const why =
      admission.reason === 'budget'
        ? `${admission.remaining ?? '?'} of ${admission.quota ?? '?'} requests are left this hour, ${admission.inFlight} of them in flight, ${reserveFor(admission.quota, priority)} kept for work above ${priority} priority,`
        : admission.reason === 'blocked'
          ? 'GitHub asked for a pause'
          : admission.inFlight >= maxInFlight
            ? `${admission.inFlight} requests are in flight, the most ${priority} work may have`
            : 'writes start a second apart';
    return new CredentialBudgetWait(`waiting-for-rate-limit until ${resumesAt.toISOString()}: ${why} on ${describeCredential(credential)}`, waitMs, resumesAt);
  }

  async function settle(id: string, headers: Record<string, string | undefined> | undefined, status: number | undefined): Promise<void> {
    const observation = headers ? observeRateHeaders(headers, status, now()) : undefined;
    // A lost settle only keeps the lease until it lapses; it must not fail a request GitHub answered.
    await ledger.settle(credential, id, observation).catch(() => undefined);
  }

  return {
    wrapOctokit(octokit) {
      octokit.hook.wrap('request', async (request, requestOptions) => {
        const id = await admit(WRITE_METHODS.has(requestOptions.method.toUpperCase()));
        try {
          const response = await request(requestOptions);
          await settle(id, response.headers as Record<string, string | undefined>, response.status);
          return response;
        } catch (error) {
          const failed = error as { status?: number; response?: { headers?: Record<string, string | undefined> } };
          await settle(id, failed.response?.headers, failed.status);
          throw error;
        }
      });
    },
    wrapFetch(fetch, apiUrl) {
      const apiPrefix = apiUrl.replace(/\/?$/, '/');
      return async (input, init) => {
        const url = input instanceof Request ? input.url : String(input);
        if (!url.startsWith(apiPrefix)) return fetch(input, init);
        const id = await admit(WRITE_METHODS.has((init?.method ?? 'GET').toUpperCase()));
        let response: Response;
        try {
          response = await fetch(input, init);
        } catch (error) {
          await settle(id, undefined, undefined);
          throw error;
        }
        await settle(id, Object.fromEntries(response.headers), response.status);
        return response;
      };
    },
  };
}

/** 50 ms, doubling to 800 ms, with jitter so waiting processes do not retry in step. */
function backoffMs(round: number): number {
  const base = 50 * 2 ** Math.min(round, 4);
  return base / 2 + Math.random() * base;
}

/** The credential as logs and errors may name it: an installation's id, never a token. */
function describeCredential(credential: string): string {
  return credential.startsWith('installation:') ? `GitHub App installation ${credential.slice('installation:'.length)}` : 'the token';
}

// GitHub's hourly budgets are at most 15,000; a header far past that, or a reset further than a
// window away, is not GitHub's and is ignored rather than allowed to park every request.
const MAX_PLAUSIBLE_LIMIT = 1_000_000;
const MAX_RESET_AHEAD_MS = 2 * 60 * 60_000;

/**
 * Reads `x-ratelimit-limit`, `-remaining`, `-used` and `-reset` from an answer, and for a
 * rate-limited answer (403 or 429) until when to hold back. Headers come from the network: each
 * is believed only when it is a plain number in range.
 * https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api#checking-the-status-of-your-rate-limit
 */
export function observeRateHeaders(headers: Record<string, string | undefined>, status: number | undefined, nowMs: number): RateObservation | undefined {
  const observation: RateObservation = {};
  // Search, GraphQL and the other resources have budgets of their own; only the core one is kept.
  const resource = headers['x-ratelimit-resource'];
  if (resource !== undefined && resource !== 'core') return undefined;
  const limit = count(headers['x-ratelimit-limit'], MAX_PLAUSIBLE_LIMIT);
  const remaining = count(headers['x-ratelimit-remaining'], MAX_PLAUSIBLE_LIMIT);
  const used = count(headers['x-ratelimit-used'], MAX_PLAUSIBLE_LIMIT);
  const reset = count(headers['x-ratelimit-reset'], Number.MAX_SAFE_INTEGER);
  if (limit !== undefined) observation.limit = limit;
  if (remaining !== undefined && (limit === undefined || remaining <= limit)) observation.remaining = remaining;
  if (used !== undefined) observation.used = used;
  if (reset !== undefined && reset * 1000 <= nowMs + MAX_RESET_AHEAD_MS) observation.resetAt = new Date(reset * 1000);
  if (status === 429 || (status === 403 && (headers['retry-after'] !== undefined || headers['x-ratelimit-remaining'] === '0'))) {
    const waitMs = rateLimitWaitMs(headers, nowMs);
    if (waitMs !== undefined) observation.blockedUntil = new Date(nowMs + waitMs);
  }
  return Object.keys(observation).length > 0 ? observation : undefined;
}

function count(value: string | undefined, max: number): number | undefined {
  if (value === undefined || !/^\d{1,12}$/.test(value.trim())) return undefined;
  const parsed = Number(value.trim());
  return parsed <= max ? parsed : undefined;
}
