import type { SecretBox } from '../crypto/secret-box.js';
import type { CredentialBudgetRow } from '../db/repositories/credential-budgets.js';
import type { Fleet } from '../db/repositories/fleets.js';
import { credentialKey } from '../github/project-client.js';
import { liveLeaseCount, reserveFor } from '../github/request-budget.js';

/** The key of the shared budget a fleet's requests spend: its installation's, or its organisation token's. */
export function fleetCredentialKey(fleet: Pick<Fleet, 'installation_id' | 'token_ciphertext'>, secrets: SecretBox): string | undefined {
  if (fleet.installation_id !== null) return credentialKey({ installationId: fleet.installation_id });
  return fleet.token_ciphertext ? credentialKey({ token: secrets.open(fleet.token_ciphertext) }) : undefined;
}

/**
 * The fleet's budget as its status shows it. The fleet's imports are bulk work: they wait for
 * the reset once the budget is down to the share kept for pushes, polls and people, or while
 * GitHub asked for a pause.
 */
export function presentFleetBudget(row: CredentialBudgetRow | undefined, now = Date.now()) {
  if (!row) return null;
  const inFlight = liveLeaseCount(row.leases, now);
  const blocked = row.blocked_until !== null && row.blocked_until.getTime() > now;
  const windowOpen = row.reset_at !== null && row.reset_at.getTime() > now;
  const reserve = reserveFor(row.quota, 'bulk');
  const spent = windowOpen && row.remaining !== null && row.remaining - inFlight <= reserve;
  const resumesAt = blocked ? row.blocked_until : spent ? row.reset_at : null;
  return {
    limit: row.quota,
    remaining: row.remaining,
    resetAt: row.reset_at?.toISOString() ?? null,
    inFlight,
    waits: Number(row.waits),
    state: resumesAt ? ('waiting-for-rate-limit' as const) : ('ok' as const),
    resumesAt: resumesAt?.toISOString() ?? null,
  };
}
