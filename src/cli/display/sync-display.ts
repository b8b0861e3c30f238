import type { SyncStatus } from '@reposync/client';

/** How `reposync sync` shows a running sync: a live bar at a terminal, a line per phase otherwise. */
export interface SyncDisplay {
  progress(status: SyncStatus): void;
  /** Stops the live output before the final line is printed; a synced sync shows as complete. */
  stop(final?: SyncStatus): void;
}
