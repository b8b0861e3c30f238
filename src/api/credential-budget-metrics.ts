import { Counter, Gauge, type Registry } from 'prom-client';
import type { Db } from '../db/connection.js';
import { credentialBudgetsRepository, type CredentialBudgetRow } from '../db/repositories/credential-budgets.js';
import { liveLeaseCount } from '../github/request-budget.js';

/**
 * Every GitHub credential's shared budget, read from the ledger at each scrape, so the API
 * reports what all workers spend. The label is the credential's key: an installation id or a
 * token's hash, never the token. Alert on `reposync_github_budget_remaining` nearing 0 while
 * `reposync_github_budget_waits_total` climbs: work is waiting for the reset.
 */
export function registerCredentialBudgetMetrics(registry: Registry, db: Db, log: { warn(fields: object, message: string): void }): void {
  const budgets = credentialBudgetsRepository(db);
  let reading: Promise<CredentialBudgetRow[]> | null = null;
  // One query per scrape, shared by the metrics below; a database outage leaves them empty.
  const read = () => {
    reading ??= budgets
      .list()
      .catch((error: unknown) => {
        log.warn({ error: (error as Error).message }, 'could not read the credential budgets for /metrics');
        return [];
      })
      .finally(() => setImmediate(() => (reading = null)));
    return reading;
  };
  const labelNames = ['credential'] as const;
  const gauge = (name: string, help: string, value: (row: CredentialBudgetRow, now: number) => number | null) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        this.reset();
        const now = Date.now();
        for (const row of await read()) {
          const measured = value(row, now);
          if (measured !== null) this.set({ credential: row.credential_key }, measured);
        }
      },
    });
  gauge('reposync_github_budget_limit', "A credential's hourly GitHub budget, as GitHub last reported it", (row) => row.quota);
  gauge('reposync_github_budget_remaining', 'Requests left in the current window', (row) => row.remaining);
  gauge('reposync_github_budget_reset_seconds', 'Seconds until the window resets', (row, now) => (row.reset_at ? Math.max(row.reset_at.getTime() - now, 0) / 1000 : null));
  gauge('reposync_github_requests_in_flight', 'Requests in flight on the credential across every worker', (row, now) => liveLeaseCount(row.leases, now));
  new Counter({
    name: 'reposync_github_budget_waits_total',
    help: 'Requests told to wait for the budget or for a free slot',
    labelNames,
    registers: [registry],
    async collect() {
      this.reset();
      for (const row of await read()) this.inc({ credential: row.credential_key }, Number(row.waits));
    },
  });
}
