import type { Client } from '@temporalio/client';
import type { Config } from '../config.js';
import type { Db } from '../db/connection.js';
import { projectRequestsRepository } from '../db/repositories/project-requests.js';
import { runBounded } from '../sync/run-bounded.js';
import { followProject } from '../temporal/project-writer.js';
import { startDrainLoop } from './drain-loop.js';

const BATCH = 200;

export interface SyncRequestDispatcher {
  /** Signal pending projects now (after a webhook recorded a request). */
  kick(): void;
  stop(): Promise<void>;
}

/**
 * Signals project writers for the pushes webhooks recorded in `projects.sync_requests`. The
 * webhook answers after its UPDATE — a Temporal signal costs far more than that — and a burst of
 * deliveries for one project becomes one signal per batch, since the writer reads the newest head
 * itself. Requests are cleared only after their signal went out, so a crash or a Temporal outage
 * delays a sync but never loses it; every API process may run one, and a doubled signal is harmless.
 */
export function startSyncRequestDispatcher(options: {
  db: Db;
  temporal: Client;
  config: Pick<Config, 'temporal' | 'syncMaxAttempts'>;
  log: { warn(fields: object, message: string): void };
  intervalMs?: number;
  concurrency?: number;
  /** At most one signal per project per this long; bursts in between ride on the pending one. */
  minGapMs?: number;
}): SyncRequestDispatcher {
  const { db, temporal, config, log, intervalMs = 2_000, concurrency = 8, minGapMs = 500 } = options;
  /** When each project was last signalled: a writer that has not consumed one signal needs no second. */
  const requests = projectRequestsRepository(db);
  const signalledAt = new Map<string, number>();
  let retryTimer: NodeJS.Timeout | undefined;

  async function drainOnce(): Promise<boolean> {
    const rows = await requests.pendingSyncs(BATCH);
    const now = Date.now();
    const pending = rows.filter((row) => now - (signalledAt.get(row.id) ?? 0) >= minGapMs);
    // Projects held back stay counted; a drain after the gap signals them.
    if (pending.length < rows.length && !retryTimer && !loop.stopped) {
      retryTimer = setTimeout(() => {
        retryTimer = undefined;
        drain();
      }, minGapMs);
      retryTimer.unref();
    }
    await runBounded(pending, concurrency, async ({ sync_requests: seen, ...project }) => {
      // A stopped dispatcher starts no more signals; the requests left stay recorded.
      if (loop.stopped) return;
      const { id } = project;
      signalledAt.set(id, Date.now());
      await followProject(temporal, config, project, { source: 'webhook' });
      // Requests that arrived while signalling stay counted: the next round signals again.
      await requests.clearSyncRequests(id, seen);
    });
    for (const [id, at] of signalledAt) if (now - at > minGapMs) signalledAt.delete(id);
    return rows.length === BATCH && pending.length > 0;
  }

  const loop = startDrainLoop({ drainOnce, intervalMs, log, failureMessage: 'signalling project writers failed; retrying on the next round' });
  const drain = () => loop.kick();
  return {
    kick: drain,
    async stop() {
      clearTimeout(retryTimer);
      await loop.stop();
      clearTimeout(retryTimer);
    },
  };
}
