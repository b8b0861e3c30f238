import { Counter, Gauge, type Registry } from 'prom-client';
import type { Db } from '../db/connection.js';
import { pollCursorsRepository, type PollCursorRow } from '../db/repositories/poll-cursors.js';

/**
 * The polling failsafe's health, read from its cursors at every scrape, so the API reports the
 * poll whichever worker runs it. `reposync_poll_behind_seconds` is how long the next project to
 * poll has been due: near 0 while the poll keeps up, growing while it falls behind or has
 * stopped — alert on it. Overruns count rounds that ended later than their interval allows.
 */
export function registerPollMetrics(registry: Registry, db: Db, log: { warn(fields: object, message: string): void }): void {
  const cursors = pollCursorsRepository(db);
  let reading: Promise<PollCursorRow[]> | null = null;
  // One query per scrape, shared by the metrics below; a database outage leaves them empty.
  const read = () => {
    reading ??= cursors.list().catch((error: unknown) => {
      log.warn({ error: (error as Error).message }, 'could not read the poll cursors for /metrics');
      return [];
    }).finally(() => setImmediate(() => (reading = null)));
    return reading;
  };
  const labelNames = ['task_queue'] as const;
  new Gauge({
    name: 'reposync_poll_behind_seconds',
    help: 'How long the next project to poll has been due (0 while the poll keeps to its interval)',
    labelNames,
    registers: [registry],
    async collect() {
      this.reset();
      const now = Date.now();
      for (const row of await read()) this.set({ task_queue: row.task_queue }, Math.max(now - row.next_due_at.getTime(), 0) / 1000);
    },
  });
  new Counter({
    name: 'reposync_poll_overruns_total',
    help: 'Poll rounds that ended later than their interval allows',
    labelNames,
    registers: [registry],
    async collect() {
      this.reset();
      for (const row of await read()) this.inc({ task_queue: row.task_queue }, row.overruns);
    },
  });
  new Gauge({
    name: 'reposync_poll_last_overrun_seconds',
    help: 'How late the last overrunning poll round ended',
    labelNames,
    registers: [registry],
    async collect() {
      this.reset();
      for (const row of await read()) if (row.last_overrun_ms !== null) this.set({ task_queue: row.task_queue }, row.last_overrun_ms / 1000);
    },
  });
  new Counter({
    name: 'reposync_poll_rounds_total',
    help: 'Poll rounds completed: every enabled project polled once',
    labelNames,
    registers: [registry],
    async collect() {
      this.reset();
      for (const row of await read()) this.inc({ task_queue: row.task_queue }, row.rounds_completed);
    },
  });
}
