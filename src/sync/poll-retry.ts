import type { Project } from '../db/repositories/projects.js';
import type { SyncErrorCode } from '../shared/error-codes.js';

/**
 * Failures that the same commit reproduces every time: its content breaks a limit, the archive
 * is unsafe, a blob cannot match its SHA, or the project itself is not ready for an incremental
 * sync. Only a new commit (which the poll signals as a moved head anyway) or a change by a person
 * can help, so the poll does not retry them. `conflict` is an outbound commit's failure, never an
 * inbound sync's to retry.
 *
 * Every other failure is retried, `not-found` included: a blob or a branch can be briefly
 * missing. Credential failures too: the poll only gets here after its own request with the
 * project's credential succeeded, so the credential works again.
 */
const SAME_COMMIT_FAILS_AGAIN: ReadonlySet<SyncErrorCode> = new Set(['too-large', 'unsafe-archive', 'integrity-mismatch', 'invalid-input', 'conflict']);

export interface RetryBackoff {
  /** The wait before the first retry; it doubles with every further failure in a row. */
  baseMs: number;
  maxMs: number;
}

type RetryFacts = Pick<Project, 'last_remote_sha' | 'last_synced_sha' | 'sync_status' | 'sync_error_code' | 'sync_failures' | 'sync_started_at' | 'sync_completed_at'>;

/** The wait after the last sync attempt before the poll retries a project that failed `failures` times in a row. */
export function retryDelayMs(failures: number, { baseMs, maxMs }: RetryBackoff): number {
  return Math.min(baseMs * 2 ** Math.max(failures - 1, 0), maxMs);
}

/**
 * Whether the poll should signal a project's writer although the branch head did not move: its
 * snapshot is behind the head last seen on GitHub, or its last sync failed — unless that failure
 * repeats on the same commit, or the last attempt is more recent than the backoff allows.
 */
export function needsSyncRetry(project: RetryFacts, head: string | null, now: Date, backoff: RetryBackoff): boolean {
  const behind = head !== null && head !== project.last_synced_sha;
  const failed = project.sync_status === 'failed';
  if (!behind && !failed) return false;
  if (failed && SAME_COMMIT_FAILS_AGAIN.has(project.sync_error_code as SyncErrorCode)) return false;
  const attempts = [project.sync_started_at, project.sync_completed_at].filter((at): at is Date => at !== null).map((at) => at.getTime());
  if (attempts.length === 0) return true;
  return now.getTime() - Math.max(...attempts) >= retryDelayMs(project.sync_failures, backoff);
}
