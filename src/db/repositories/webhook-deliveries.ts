import { CompiledQuery, sql } from 'kysely';
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

/** A delivery as the webhook route records it, before it is applied. */
export interface NewDelivery {
  deliveryId: string;
  event: string;
  /** The payload's JSON text. */
  payload: string;
  /** The projects whose own secret verified it; null when the App's secret did. */
  verifiedProjectIds: string[] | null;
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
     * Records deliveries into the inbox in one statement, in the order given (their `seq`), each
     * by GitHub's GUID; returns the GUIDs this statement recorded. One already recorded (a
     * redelivery), or a second copy in the same list, is not recorded again: the primary key
     * decides, so two concurrent copies cannot both pass. The statement is written out with
     * placeholders rather than built, since every webhook answer waits for it.
     */
    async recordMany(deliveries: NewDelivery[]): Promise<Set<string>> {
      if (deliveries.length === 0) return new Set();
      const rows = deliveries.map((_, i) => `($${4 * i + 1}, $${4 * i + 2}, null, 'queued', $${4 * i + 3}, $${4 * i + 4}::uuid[])`);
      const parameters = deliveries.flatMap((d) => [d.deliveryId, d.event, d.payload, d.verifiedProjectIds]);
      const { rows: inserted } = await db.executeQuery<{ delivery_id: string }>(
        CompiledQuery.raw(`insert into webhook_deliveries (delivery_id, event, project_id, outcome, payload, verified_project_ids) values ${rows.join(', ')} on conflict (delivery_id) do nothing returning delivery_id`, parameters),
      );
      return new Set(inserted.map((row) => row.delivery_id));
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
