/** Input of the polling failsafe's workflow, started by its Schedule (`poll-projects/<taskQueue>`). */
export interface PollProjectsInput {
  /** GitHub requests in flight at once. */
  concurrency: number;
  /** Each page's requests are spread over about this long (jitter); 0 sends them at once. */
  spreadMs: number;
  maximumAttempts?: number;
}

/** One page of projects, after the project id `after` (keyset pagination). */
export interface PollPageInput {
  after: string | null;
  limit: number;
  concurrency: number;
  spreadMs: number;
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
  failed: number;
}
