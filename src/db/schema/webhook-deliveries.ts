import type { Generated } from 'kysely';

/** Every webhook delivery we accepted, by GitHub's delivery GUID; kept 7 days for deduplication. */
export interface WebhookDeliveriesTable {
  delivery_id: string;
  event: string;
  project_id: string | null;
  outcome: string;
  received_at: Generated<Date>;
}

export interface WebhookDeliveriesSchema {
  webhook_deliveries: WebhookDeliveriesTable;
}
