import { setImmediate as setImmediatePromise } from 'node:timers/promises';
import { sql } from 'kysely';
import type { Db } from '../db/connection.js';
import { webhookDeliveriesRepository, type AppliedOutcome, type PendingDelivery } from '../db/repositories/webhook-deliveries.js';
import { applyDeliveries, type AfterCommit, type ReadDelivery } from './apply-delivery.js';
import { installationOutcome } from './apply-installation-change.js';
import { startDrainLoop } from './drain-loop.js';
import { installationChangeFor, type InstallationChange } from './installation-events.js';
import type { WebhookPayload } from './repository-events.js';

/** Deliveries applied per transaction, at most: a round that finds this many starts the next at once. */
const BATCH = 1_000;
/**
 * How long a kick waits before applying while deliveries trickle in, gathering what arrives
 * meanwhile into one round; it is also about the least a delivery waits before it is applied.
 */
const SETTLE_MS = 200;
/**
 * How long a kick waits while a burst lasts (the previous round applied at least BURST_ROUND
 * deliveries). A round costs about the same handful of statements and wake-ups whatever its size,
 * so during a burst the applier runs about one round a second instead of five, leaving the cores
 * and the database to the answers; a delivery then waits up to a second longer to be applied.
 */
const BURST_SETTLE_MS = 1_000;
const BURST_ROUND = 50;
/** Payloads parsed between two returns to the event loop (a push payload parses in tens of microseconds). */
const PARSE_SLICE = 25;

export interface WebhookInbox {
  /** Apply soon (after the route recorded a delivery): within the settle delay, instead of at the next tick. */
  kick(): void;
  stop(): Promise<void>;
}

export interface WebhookInboxOptions {
  /** The applier's connections: best a pool of its own, so applying never queues an answer's INSERT. */
  db: Db;
  log: { warn(fields: object, message: string): void };
  /** Acts on what a committed batch asked for (branch moves, reconciles, kicks); must not throw. */
  afterCommit(after: AfterCommit): void;
  /** Applies an App installation change (Temporal, GitHub and fleet rows); runs outside any transaction. */
  applyInstallation(change: InstallationChange): Promise<void>;
  intervalMs?: number;
  batch?: number;
  settleMs?: number;
  burstSettleMs?: number;
  burstRound?: number;
}

/**
 * Applies the deliveries the webhook route recorded, after it answered: project lookup, echo
 * check, project update, then the hand-over to whoever signals writers, re-reads repositories or
 * moves stored branches. A batch is one transaction — each delivery's effect commits together
 * with its `processed_at` stamp — so a crash or an outage mid-batch applies none of it, and a
 * later round (in this process or another) applies it, once. Only one process applies at a time
 * (a transaction-scoped advisory lock), in the order the deliveries were recorded, so a project
 * sees its events in that order.
 *
 * An installation change acts on Temporal and GitHub, which no transaction covers: it is applied
 * on its own, outside the batch, then stamped; its steps set states, so a crash before the stamp
 * only makes a later round set them again.
 */
export function startWebhookInbox(options: WebhookInboxOptions): WebhookInbox {
  const { db, log, afterCommit, applyInstallation, intervalMs = 2_000, batch = BATCH, settleMs = SETTLE_MS, burstSettleMs = BURST_SETTLE_MS, burstRound = BURST_ROUND } = options;
  const deliveries = webhookDeliveriesRepository(db);
  /** Deliveries the latest round found: a burst is on while it is large. */
  let lastRoundSize = 0;

  async function drainOnce(): Promise<boolean> {
    const round = await db.transaction().execute(async (trx) => {
      const { rows } = await sql<{ locked: boolean }>`select pg_try_advisory_xact_lock(hashtext('reposync:webhook-inbox')) as locked`.execute(trx);
      // Another process is applying: the deliveries are its to apply, in order.
      if (!rows[0]?.locked) return null;
      const pending = await webhookDeliveriesRepository(trx).pending(batch);
      lastRoundSize = pending.length;
      const outcomes: AppliedOutcome[] = [];
      const readable: ReadDelivery[] = [];
      let installation: { delivery: PendingDelivery; change: InstallationChange } | undefined;
      for (const [i, delivery] of pending.entries()) {
        // A burst's round parses hundreds of payloads: the answers being served in this process
        // get the event loop back between slices instead of waiting for the whole round.
        if (i > 0 && i % PARSE_SLICE === 0) await setImmediatePromise();
        const payload = parsed(delivery);
        if (!payload) {
          outcomes.push({ seq: delivery.seq, outcome: 'rejected-unreadable-payload', projectId: null });
          continue;
        }
        const change = installationChangeOf(delivery, payload);
        if (change) {
          installation = { delivery, change };
          break;
        }
        readable.push({ delivery, payload });
      }
      const { results, after } = await applyDeliveries(trx, readable);
      results.forEach((result, i) => outcomes.push({ seq: readable[i]!.delivery.seq, ...result }));
      await webhookDeliveriesRepository(trx).markApplied(outcomes);
      return { after, installation, more: pending.length === batch };
    });
    if (!round) return false;
    afterCommit(round.after);
    if (round.installation) {
      const { delivery, change } = round.installation;
      await applyInstallation(change);
      await deliveries.markApplied([{ seq: delivery.seq, outcome: installationOutcome(change), projectId: null }]);
      return true;
    }
    return round.more;
  }

  const loop = startDrainLoop({ drainOnce, intervalMs, log, failureMessage: 'applying webhook deliveries failed; retrying on the next round' });
  let settling: NodeJS.Timeout | undefined;
  return {
    kick() {
      if (settling || loop.stopped) return;
      settling = setTimeout(
        () => {
          settling = undefined;
          loop.kick();
        },
        lastRoundSize >= burstRound ? burstSettleMs : settleMs,
      );
    },
    async stop() {
      clearTimeout(settling);
      await loop.stop();
    },
  };
}

/** Installation events name no repository: only the App's own secret (no project's) can vouch for them. */
function installationChangeOf(delivery: PendingDelivery, payload: WebhookPayload): InstallationChange | null {
  return delivery.verifiedProjectIds === null ? installationChangeFor(delivery.event, payload) : null;
}

/** The route stored only JSON objects; anything else (a row written by hand) is stamped, not retried forever. */
function parsed(delivery: PendingDelivery): WebhookPayload | null {
  try {
    const value: unknown = JSON.parse(delivery.payload);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as WebhookPayload) : null;
  } catch {
    return null;
  }
}
