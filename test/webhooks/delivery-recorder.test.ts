import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/connection.js';
import type { NewDelivery } from '../../src/db/repositories/webhook-deliveries.js';
import { createDeliveryRecorder } from '../../src/webhooks/delivery-recorder.js';
import { createTestDatabase } from '../support/test-stack.js';

let db: Db;
let drop: () => Promise<void>;
beforeAll(async () => {
  ({ db, drop } = await createTestDatabase());
});
afterAll(async () => drop());

const delivery = (deliveryId: string = randomUUID(), verifiedProjectIds: string[] | null = null): NewDelivery => ({ deliveryId, event: 'push', payload: JSON.stringify({ ref: 'refs/heads/main', id: deliveryId }), verifiedProjectIds });

/** The rows of these deliveries in inbox order, with the transaction that wrote each (`xmin`). */
const rows = (ids: string[]) =>
  db
    .selectFrom('webhook_deliveries')
    .select(['delivery_id', 'outcome', sql<string>`xmin::text`.as('xmin')])
    .where('delivery_id', 'in', ids)
    .orderBy('seq')
    .execute();

describe('recording webhook deliveries (group commit)', () => {
  it('records the deliveries that arrive together with one INSERT, in arrival order, each answered new', async () => {
    const recorder = createDeliveryRecorder(db);
    const burst = Array.from({ length: 20 }, () => delivery());
    const answers = await Promise.all(burst.map((d) => recorder.record(d)));

    expect(answers).toEqual(burst.map(() => true));
    const recorded = await rows(burst.map((d) => d.deliveryId));
    expect(recorded.map((row) => row.delivery_id)).toEqual(burst.map((d) => d.deliveryId));
    expect(recorded.every((row) => row.outcome === 'queued')).toBe(true);
    // One statement, one transaction: every row carries the same writing transaction id.
    expect(new Set(recorded.map((row) => row.xmin)).size).toBe(1);
  });

  it('answers a redelivery false, whether its first copy was recorded earlier or in the same INSERT', async () => {
    const recorder = createDeliveryRecorder(db);
    const earlier = delivery();
    expect(await recorder.record(earlier)).toBe(true);
    const twice = delivery();
    const answers = await Promise.all([recorder.record(earlier), recorder.record(twice), recorder.record({ ...twice })]);

    expect(answers).toEqual([false, true, false]);
    expect((await rows([earlier.deliveryId, twice.deliveryId])).map((row) => row.delivery_id)).toEqual([earlier.deliveryId, twice.deliveryId]);
  });

  it('fails only the delivery the database refuses, and records the ones written with it', async () => {
    const recorder = createDeliveryRecorder(db);
    const [before, refused, after] = [delivery(), delivery(randomUUID(), ['not-a-uuid']), delivery()];
    const answers = await Promise.allSettled([recorder.record(before), recorder.record(refused), recorder.record(after)]);

    expect(answers[0]).toEqual({ status: 'fulfilled', value: true });
    expect(answers[1]).toMatchObject({ status: 'rejected', reason: { message: expect.stringMatching(/uuid/) } });
    expect(answers[2]).toEqual({ status: 'fulfilled', value: true });
    expect((await rows([before.deliveryId, refused.deliveryId, after.deliveryId])).map((row) => row.delivery_id)).toEqual([before.deliveryId, after.deliveryId]);
  });

  it('keeps at most the given INSERTs running: what arrives meanwhile waits and goes in together', async () => {
    const recorder = createDeliveryRecorder(db, { maxInFlight: 1 });
    const first = delivery();
    const pendingFirst = recorder.record(first);
    // The next turn of the event loop: the first INSERT is under way, these wait for it.
    await new Promise((resolve) => setImmediate(resolve));
    const later = Array.from({ length: 5 }, () => delivery());
    const answers = await Promise.all([pendingFirst, ...later.map((d) => recorder.record(d))]);

    expect(answers).toEqual([true, true, true, true, true, true]);
    const recorded = await rows([first.deliveryId, ...later.map((d) => d.deliveryId)]);
    expect(recorded.map((row) => row.delivery_id)).toEqual([first.deliveryId, ...later.map((d) => d.deliveryId)]);
    expect(new Set(recorded.slice(1).map((row) => row.xmin)).size).toBe(1);
    expect(recorded[0]!.xmin).not.toBe(recorded[1]!.xmin);
  });

  it('splits a burst larger than the batch limit into INSERTs of at most that many', async () => {
    const recorder = createDeliveryRecorder(db, { maxInFlight: 1, maxBatch: 4 });
    const burst = Array.from({ length: 10 }, () => delivery());
    expect(await Promise.all(burst.map((d) => recorder.record(d)))).toEqual(burst.map(() => true));
    const recorded = await rows(burst.map((d) => d.deliveryId));
    const perTransaction = new Map<string, number>();
    for (const row of recorded) perTransaction.set(row.xmin, (perTransaction.get(row.xmin) ?? 0) + 1);
    expect([...perTransaction.values()]).toEqual([4, 4, 2]);
  });
});
