import type { ColumnType, Generated } from 'kysely';

/** Where the poll of one task queue is in its current round, and how its rounds went. */
export interface PollCursorsTable {
  task_queue: string;
  /** The poll (its first run id, kept across continue-as-new) allowed to move this cursor. */
  owner: string;
  interval_ms: number;
  round_started_at: Date;
  /** The last project polled this round, in (poll_slot, id) order; null before the first. */
  after_slot: number | null;
  after_id: string | null;
  /** When the next project to poll was due: how far behind the poll is, seen from outside. */
  next_due_at: Date;
  round_checked: Generated<number>;
  rounds_completed: Generated<number>;
  /** Rounds that ended later than their interval allows. */
  overruns: Generated<number>;
  last_overrun_ms: number | null;
  updated_at: ColumnType<Date, Date | undefined, Date | undefined>;
}

export interface PollCursorsSchema {
  poll_cursors: PollCursorsTable;
}
