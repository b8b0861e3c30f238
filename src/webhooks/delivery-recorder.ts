import type { Db } from '../db/connection.js';
import { webhookDeliveriesRepository, type NewDelivery } from '../db/repositories/webhook-deliveries.js';

/** INSERTs writing at once, at most: room for a burst to gather, while the pool serves everything else. */
const MAX_IN_FLIGHT = 2;
/** Deliveries per INSERT, at most (payloads are up to 25 MB; a burst of pushes is a few KB each). */
const MAX_BATCH = 100;
const MAX_BATCH_BYTES = 8 * 1024 * 1024;

export interface DeliveryRecorder {
  /** Records a delivery in the inbox; resolves once it is committed: true when new, false for a redelivery. */
  record(delivery: NewDelivery): Promise<boolean>;
}

interface Waiting {
  delivery: NewDelivery;
  resolve(first: boolean): void;
  reject(error: unknown): void;
}

/**
 * Group commit for the webhook answer. Deliveries that arrive while earlier INSERTs are still
 * running wait and then go in together as one INSERT, whose commit answers them all: at a few
 * deliveries a second each is written alone at once, and in a burst hundreds a second cost a
 * few statements, round trips and wake-ups of the database instead of one each. Every answer
 * still waits for its own delivery's row to be committed, so what was answered is recorded.
 *
 * One delivery the database refuses must not fail the others written with it: a failed INSERT of
 * several is written again one delivery at a time, and only the one refused gets the error.
 */
export function createDeliveryRecorder(db: Db, { maxInFlight = MAX_IN_FLIGHT, maxBatch = MAX_BATCH, maxBatchBytes = MAX_BATCH_BYTES } = {}): DeliveryRecorder {
  const deliveries = webhookDeliveriesRepository(db);
  const queue: Waiting[] = [];
  let inFlight = 0;
  let scheduled = false;

  /** Takes the oldest waiting deliveries, up to the batch limits (at least one, however large). */
  function nextBatch(): Waiting[] {
    let bytes = 0;
    let count = 0;
    while (count < queue.length && count < maxBatch) {
      bytes += queue[count]!.delivery.payload.length;
      if (count > 0 && bytes > maxBatchBytes) break;
      count += 1;
    }
    return queue.splice(0, count);
  }

  function pump(): void {
    while (inFlight < maxInFlight && queue.length > 0) {
      const batch = nextBatch();
      inFlight += 1;
      void write(batch).finally(() => {
        inFlight -= 1;
        pump();
      });
    }
  }

  async function write(batch: Waiting[]): Promise<void> {
    try {
      const recorded = await deliveries.recordMany(batch.map((waiting) => waiting.delivery));
      // A GUID twice in one batch is recorded once: its first copy is the new one.
      for (const waiting of batch) {
        const first = recorded.delete(waiting.delivery.deliveryId);
        waiting.resolve(first);
      }
    } catch (error) {
      if (batch.length === 1) return batch[0]!.reject(error);
      for (const waiting of batch) {
        try {
          waiting.resolve((await deliveries.recordMany([waiting.delivery])).size > 0);
        } catch (own) {
          waiting.reject(own);
        }
      }
    }
  }

  return {
    record(delivery) {
      return new Promise<boolean>((resolve, reject) => {
        queue.push({ delivery, resolve, reject });
        // Deliveries read in the same turn of the event loop go in together; a lone one waits
        // for nothing but the end of that turn.
        if (scheduled) return;
        scheduled = true;
        setImmediate(() => {
          scheduled = false;
          pump();
        });
      });
    },
  };
}
