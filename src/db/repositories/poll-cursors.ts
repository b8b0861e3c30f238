import type { Selectable } from 'kysely';
import type { Db } from '../connection.js';
import type { PollCursorsTable } from '../schema/index.js';

export type PollCursorRow = Selectable<PollCursorsTable>;

/** Where each task queue's poll is in its round. Every write names its owner: a poll that was taken over writes nothing. */
export function pollCursorsRepository(db: Db) {
  return {
    /**
     * Makes `owner` the poll allowed to move the cursor and returns where it is; the first poll
     * of a task queue starts a round at `now`.
     */
    claim({ taskQueue, owner, intervalMs, now }: { taskQueue: string; owner: string; intervalMs: number; now: Date }): Promise<PollCursorRow> {
      return db
        .insertInto('poll_cursors')
        .values({ task_queue: taskQueue, owner, interval_ms: intervalMs, round_started_at: now, next_due_at: now, updated_at: now })
        .onConflict((oc) => oc.column('task_queue').doUpdateSet({ owner, interval_ms: intervalMs, updated_at: now }))
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    /** Records progress through the round and returns the round's count so far; undefined when another poll owns the cursor. */
    async advance(taskQueue: string, owner: string, progress: { after: { slot: number; id: string }; checked: number; nextDueAt: Date }): Promise<number | undefined> {
      const row = await db
        .updateTable('poll_cursors')
        .set((eb) => ({
          after_slot: progress.after.slot,
          after_id: progress.after.id,
          round_checked: eb('round_checked', '+', progress.checked),
          next_due_at: progress.nextDueAt,
          updated_at: new Date(),
        }))
        .where('task_queue', '=', taskQueue)
        .where('owner', '=', owner)
        .returning('round_checked')
        .executeTakeFirst();
      return row?.round_checked;
    },

    /**
     * Ends the round and starts the next at `nextRoundAt`, counting it as an overrun when it ran
     * late. Returns how many projects the ended round checked; undefined when another poll owns
     * the cursor.
     */
    async finishRound(taskQueue: string, owner: string, { nextRoundAt, overrunMs }: { nextRoundAt: Date; overrunMs: number }): Promise<{ checked: number } | undefined> {
      const current = await db.selectFrom('poll_cursors').select('round_checked').where('task_queue', '=', taskQueue).where('owner', '=', owner).executeTakeFirst();
      if (!current) return undefined;
      const finished = await db
        .updateTable('poll_cursors')
        .set((eb) => ({
          round_started_at: nextRoundAt,
          after_slot: null,
          after_id: null,
          round_checked: 0,
          next_due_at: nextRoundAt,
          rounds_completed: eb('rounds_completed', '+', 1),
          ...(overrunMs > 0 ? { overruns: eb('overruns', '+', 1), last_overrun_ms: Math.round(overrunMs) } : {}),
          updated_at: new Date(),
        }))
        .where('task_queue', '=', taskQueue)
        .where('owner', '=', owner)
        .executeTakeFirst();
      return finished.numUpdatedRows > 0n ? { checked: current.round_checked } : undefined;
    },

    list(): Promise<PollCursorRow[]> {
      return db.selectFrom('poll_cursors').selectAll().orderBy('task_queue').execute();
    },
  };
}
