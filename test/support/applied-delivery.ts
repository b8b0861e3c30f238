import type { Db } from '../../src/db/connection.js';
import { until } from './until.js';

/**
 * What the webhook inbox did with a delivery, once it applied it: deliveries are answered when
 * recorded and applied after the answer, so a test reads their outcome from the row.
 */
export async function appliedOutcome(db: Db, deliveryId: string, timeoutMs = 15_000): Promise<string> {
  const row = await until(
    () => db.selectFrom('webhook_deliveries').select(['outcome', 'processed_at']).where('delivery_id', '=', deliveryId).executeTakeFirst(),
    (found) => found?.processed_at != null,
    `delivery ${deliveryId} to be applied`,
    timeoutMs,
    20,
  );
  return row!.outcome;
}
