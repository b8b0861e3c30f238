import { sql } from 'kysely';
import type { Db } from '../connection.js';

/** A recorded delivery waiting to be applied. */
export interface PendingDelivery {
  seq: number;
  deliveryId: string;
  event: string;
  /** The payload's JSON text, as the signature covered it (the inner JSON of a form-encoded body). */
  payload: string;
  /** The projects whose own secret verified it; null when the App's secret did. */
  verifiedProjectIds: string[] | null;
  receivedAt: Date;
}

/** What applying a delivery did, stamped on its row. */
export interface AppliedOutcome {
  seq: number;
  outcome: string;
  projectId: string | null;
}

export function webhookDeliveriesRepository(db: Db) {
  return {
    /**
     * Records a delivery into the inbox by GitHub's GUID; false when it was already recorded (a
     * redelivery), decided by the primary key so two concurrent copies cannot both pass. This one
     * statement is all a webhook's answer waits for.
     */
    async recordOnce(delivery: { deliveryId: string; event: string; payload: string; verifiedProjectIds: string[] | null }): Promise<boolean> {
      const inserted = await db
        .insertInto('webhook_deliveries')
        .values({ delivery_id: delivery.deliveryId, event: delivery.event, project_id: null, outcome: 'queued', payload: delivery.payload, verified_project_ids: delivery.verifiedProjectIds })
        .onConflict((oc) => oc.column('delivery_id').doNothing())
        .returning('delivery_id')
        .executeTakeFirst();
      return inserted !== undefined;
    },

    /** The oldest deliveries not applied yet, in the order they were recorded. */
    async pending(limit: number): Promise<PendingDelivery[]> {
      const rows = await db
        .selectFrom('webhook_deliveries')
        .select(['seq', 'delivery_id', 'event', 'payload', 'verified_project_ids', 'received_at'])
        .where('processed_at', 'is', null)
        .orderBy('seq')
        .limit(limit)
        .execute();
      return rows.map((row) => ({ seq: row.seq, deliveryId: row.delivery_id, event: row.event, payload: row.payload ?? '{}', verifiedProjectIds: row.verified_project_ids, receivedAt: row.received_at }));
    },

    /** Stamps deliveries applied with what each did, in one statement; their payloads are no longer needed. */
    async markApplied(outcomes: AppliedOutcome[]): Promise<void> {
      if (outcomes.length === 0) return;
      await sql`
        update webhook_deliveries as d
        set outcome = o.outcome, project_id = o.project_id, processed_at = now(), payload = null
        from unnest(${outcomes.map((o) => o.seq)}::bigint[], ${outcomes.map((o) => o.outcome)}::text[], ${outcomes.map((o) => o.projectId)}::uuid[]) as o(seq, outcome, project_id)
        where d.seq = o.seq and d.processed_at is null`.execute(db);
    },

    /** How many deliveries wait to be applied, and how long the oldest has waited. */
    async backlog(): Promise<{ pending: number; oldestReceivedAt: Date | null }> {
      const row = await db
        .selectFrom('webhook_deliveries')
        .select((eb) => [eb.fn.countAll<number>().as('pending'), eb.fn.min('received_at').as('oldest')])
        .where('processed_at', 'is', null)
        .executeTakeFirstOrThrow();
      return { pending: Number(row.pending), oldestReceivedAt: row.oldest ?? null };
    },
  };
}
