import type { Db } from '../connection.js';

export function webhookDeliveriesRepository(db: Db) {
  return {
    /**
     * Records a delivery by GitHub's GUID; false when it was already recorded (a redelivery),
     * decided by the primary key so two concurrent copies cannot both pass.
     */
    async recordOnce(delivery: { deliveryId: string; event: string; projectId: string | null; outcome: string }): Promise<boolean> {
      const inserted = await db
        .insertInto('webhook_deliveries')
        .values({ delivery_id: delivery.deliveryId, event: delivery.event, project_id: delivery.projectId, outcome: delivery.outcome })
        .onConflict((oc) => oc.column('delivery_id').doNothing())
        .returning('delivery_id')
        .executeTakeFirst();
      return inserted !== undefined;
    },
  };
}
