/** A poll's place in its round: the round's start and the last project polled, in (slot, id) order. */
export interface PollCursor {
  /** ISO timestamp. */
  roundStartedAt: string;
  /** null before the round's first project. */
  after: { slot: number; id: string } | null;
}

/** Input of the polling failsafe's workflow, started by its Schedule (`poll-projects/<taskQueue>`). */
export interface PollProjectsInput {
  /** Every project is polled once per interval, at its own offset into it. */
  intervalMs?: number;
  /** GitHub requests in flight at once. */
  concurrency: number;
  maximumAttempts?: number;
  /** The wait before retrying a project whose sync failed, doubled per failure in a row (the poll interval). */
  retryBaseMs?: number;
  /** Carried through continue-as-new; a fresh start reads it from the database. */
  cursor?: PollCursor;
  /** Activities per run before the workflow continues as new (its history stays small). */
  stretchesPerRun?: number;
  /** How long one activity keeps polling before it hands its cursor back to the workflow. */
  stretchMs?: number;
  /** Projects polled per database page (and per cursor write). */
  pageSize?: number;
  /** Ignored; kept so Schedules created before the poll spread by slot still start. */
  spreadMs?: number;
  /** How often a project's metadata sync is started by the poll; absent or 0: never. */
  metadataIntervalMs?: number;
}

export interface ClaimPollCursorInput {
  taskQueue: string;
  /** The poll taking over the cursor (its first run id, which continue-as-new keeps). */
  owner: string;
  intervalMs: number;
}

/** One stretch of a round: poll every project that falls due until `stretchMs` has passed or the round ends. */
export interface PollStretchInput {
  taskQueue: string;
  owner: string;
  cursor: PollCursor;
  intervalMs: number;
  stretchMs: number;
  pageSize: number;
  concurrency: number;
  retryBaseMs?: number;
  /** How to start a project's writer when a head moved. */
  writer: { taskQueue: string; maximumAttempts: number };
  /** Start the metadata sync of a polled project whose last one began longer ago than this; absent: never. */
  metadataIntervalMs?: number;
}

export interface PollCounts {
  checked: number;
  /** 304: nothing changed, and no rate limit spent. */
  notModified: number;
  /** 200 but the head is the synced commit (the branch's other fields changed). */
  unchanged: number;
  moved: number;
  /** Signalled although the head did not move: the snapshot is behind it, or the last sync failed. */
  retried: number;
  /** The request or the signal failed; the next round tries again. */
  failed: number;
}

export interface PollStretchResult extends PollCounts {
  cursor: PollCursor;
  /** The round ended during this stretch (the cursor is then the next round's start). */
  roundEnded: { checked: number; overrunMs: number } | null;
  /** Another poll took the cursor over: this one must stop. */
  superseded: boolean;
}

/** What a run of the workflow did before it continued as new or stopped. */
export interface PollProjectsResult extends PollCounts {
  rounds: number;
  superseded: boolean;
}
