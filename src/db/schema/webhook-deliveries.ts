import type { ColumnType, Generated } from 'kysely';

/**
 * Every webhook delivery we accepted, by GitHub's delivery GUID; kept 7 days for deduplication.
 * It is also the inbox: a delivery is answered once recorded here and applied afterwards, in
 * `seq` order, when `processed_at` is stamped and `outcome` says what it did.
 */
export interface WebhookDeliveriesTable {
  delivery_id: string;
  event: string;
  project_id: string | null;
  outcome: string;
  received_at: Generated<Date>;
  seq: Generated<number>;
  /** The payload's JSON text until the delivery is applied; cleared then. */
  payload: string | null;
  /** The projects whose own secret verified the delivery; null when the App's secret did. */
  verified_project_ids: string[] | null;
  processed_at: ColumnType<Date | null, never, Date>;
}

export interface WebhookDeliveriesSchema {
  webhook_deliveries: WebhookDeliveriesTable;
}
