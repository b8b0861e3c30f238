/** Input of the polling failsafe's workflow, started by its Schedule (`poll-projects/<taskQueue>`). */
export interface PollProjectsInput {
  /** GitHub requests in flight at once. */
  concurrency: number;
  /** Each page's requests are spread over about this long (jitter); 0 sends them at once. */
  spreadMs: number;
  maximumAttempts?: number;
  /** The wait before retrying a project whose sync failed, doubled per failure in a row (the poll interval). */
  retryBaseMs?: number;
}

/** One page of projects, after the project id `after` (keyset pagination). */
export interface PollPageInput {
  after: string | null;
  limit: number;
  concurrency: number;
  spreadMs: number;
  retryBaseMs?: number;
  /** How to start a project's writer when a head moved. */
  writer: { taskQueue: string; maximumAttempts: number };
}

export interface PollPageResult {
  /** The cursor for the next page, or null after the last. */
  next: string | null;
  checked: number;
  /** 304: nothing changed, and no rate limit spent. */
  notModified: number;
  /** 200 but the head is the synced commit (the branch's other fields changed). */
  unchanged: number;
  moved: number;
  /** Signalled although the head did not move: the snapshot is behind it, or the last sync failed. */
  retried: number;
  /** The request or the signal failed; the next poll tries again. */
  failed: number;
}
