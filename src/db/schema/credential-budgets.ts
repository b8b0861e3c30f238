import type { ColumnType, Generated } from 'kysely';

/**
 * One GitHub credential's primary rate limit, as its last answers reported it, and the requests
 * in flight against it from every process.
 */
export interface CredentialBudgetsTable {
  /** `installation:<id>`, or `token:<sha-256 prefix>`: never the token itself. */
  credential_key: string;
  /** `x-ratelimit-limit`; null until GitHub has answered once. */
  quota: number | null;
  remaining: number | null;
  used: number | null;
  /** When the current window ends (`x-ratelimit-reset`). */
  reset_at: Date | null;
  /** Until when GitHub told us to send nothing (a rate-limited answer's `retry-after` or reset). */
  blocked_until: Date | null;
  /** Request id → epoch ms its lease lapses, for every request in flight. */
  leases: Generated<Record<string, number>>;
  /** When the last write was admitted: the next one waits for the spacing GitHub asks between writes. */
  last_write_at: Date | null;
  /** Requests told to wait, for the budget or for a slot. */
  waits: Generated<number>;
  updated_at: ColumnType<Date, Date | undefined, Date | undefined>;
}

export interface CredentialBudgetsSchema {
  credential_budgets: CredentialBudgetsTable;
}
