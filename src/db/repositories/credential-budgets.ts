import { sql, type Selectable } from 'kysely';
import type { Db } from '../connection.js';
import type { CredentialBudgetsTable } from '../schema/index.js';
import { ASSUMED_QUOTA, type Admission, type CredentialLedger, type RateObservation, type RequestTicket } from '../../github/request-budget.js';

export type CredentialBudgetRow = Selectable<CredentialBudgetsTable>;

// The database's clock, in epoch ms, so leases written by processes whose clocks differ agree.
const nowMs = sql<number>`(floor(extract(epoch from now()) * 1000))::bigint`;
const liveLeases = sql<number>`(select count(*) from jsonb_object_keys(credential_live_leases(leases, ${nowMs})))::int`;

/**
 * Every GitHub credential's budget, shared by all processes. Admission is one UPDATE whose
 * conditions PostgreSQL re-checks on the row it locks, so two workers admitting at once can
 * never both take the last request of a budget or the last slot.
 */
export function credentialBudgetsRepository(db: Db): CredentialLedger & {
  get(credential: string): Promise<CredentialBudgetRow | undefined>;
  list(): Promise<CredentialBudgetRow[]>;
} {
  const known = new Set<string>();

  async function ensureRow(credential: string): Promise<void> {
    if (known.has(credential)) return;
    await db.insertInto('credential_budgets').values({ credential_key: credential }).onConflict((oc) => oc.column('credential_key').doNothing()).execute();
    known.add(credential);
  }

  return {
    async admit(ticket: RequestTicket): Promise<Admission> {
      await ensureRow(ticket.credential);
      const lease = sql`jsonb_build_object(${ticket.id}::text, ${nowMs} + ${ticket.leaseMs}::bigint)`;
      const reserve = sql`ceil(coalesce(quota, ${ASSUMED_QUOTA}) * ${ticket.reserveShare}::float8)`;
      const admitted = await sql<{ credential_key: string }>`
        update credential_budgets set
          leases = credential_live_leases(leases, ${nowMs}) || ${lease},
          last_write_at = case when ${ticket.write}::boolean then now() else last_write_at end,
          updated_at = now()
        where credential_key = ${ticket.credential}
          and (blocked_until is null or blocked_until <= now())
          and ${liveLeases} < ${ticket.maxInFlight}::int
          and (
            (remaining is null and ${liveLeases} = 0)
            or reset_at <= now()
            or remaining - ${liveLeases} > ${reserve}
          )
          and (not ${ticket.write}::boolean or last_write_at is null or last_write_at <= now() - ${ticket.writeSpacingMs}::int * interval '1 millisecond')
        returning credential_key`.execute(db);
      if (admitted.rows.length > 0) return { admitted: true };

      const refused = await sql<{ reason: 'budget' | 'blocked' | 'slots'; until: Date | null; remaining: number | null; quota: number | null; in_flight: number }>`
        update credential_budgets set waits = waits + 1
        where credential_key = ${ticket.credential}
        returning
          case
            when blocked_until > now() then 'blocked'
            when remaining is not null and reset_at > now() and remaining - ${liveLeases} <= ${reserve} then 'budget'
            else 'slots'
          end as reason,
          case
            when blocked_until > now() then blocked_until
            when remaining is not null and reset_at > now() and remaining - ${liveLeases} <= ${reserve} then reset_at
            when ${ticket.write}::boolean and last_write_at is not null then last_write_at + ${ticket.writeSpacingMs}::int * interval '1 millisecond'
            else null
          end as until,
          remaining, quota, ${liveLeases} as in_flight`.execute(db);
      const row = refused.rows[0];
      if (!row) {
        known.delete(ticket.credential);
        return { admitted: false, reason: 'slots', until: null, remaining: null, quota: null, inFlight: 0 };
      }
      const { in_flight: inFlight, ...refusal } = row;
      return { admitted: false, ...refusal, inFlight };
    },

    async settle(credential: string, id: string, observation: RateObservation | undefined): Promise<void> {
      const { limit = null, remaining = null, used = null, resetAt = null, blockedUntil = null } = observation ?? {};
      // Answers arrive out of order. While a window is open, only answers naming its reset count,
      // and the lowest remaining among them is the truth; an answer naming another reset belongs
      // to another budget (another resource, or none at all) and is ignored. Once the window is
      // over, the next answer opens the new one.
      const open = sql`(reset_at is not null and reset_at > now())`;
      const sameWindow = sql`(${resetAt}::timestamptz is null or ${resetAt}::timestamptz = reset_at)`;
      await sql`
        update credential_budgets set
          leases = leases - ${id}::text,
          quota = case when ${limit}::int is null or (${open} and not ${sameWindow}) then quota else ${limit}::int end,
          remaining = case
            when ${remaining}::int is null then remaining
            when not ${open} then ${remaining}::int
            when ${sameWindow} then least(remaining, ${remaining}::int)
            else remaining
          end,
          used = case
            when ${used}::int is null then used
            when not ${open} then ${used}::int
            when ${sameWindow} then greatest(used, ${used}::int)
            else used
          end,
          reset_at = case when ${resetAt}::timestamptz is null or ${open} then reset_at else ${resetAt}::timestamptz end,
          blocked_until = case when ${blockedUntil}::timestamptz is null then blocked_until else greatest(blocked_until, ${blockedUntil}::timestamptz) end,
          updated_at = now()
        where credential_key = ${credential}`.execute(db);
    },

    get(credential: string) {
      return db.selectFrom('credential_budgets').selectAll().where('credential_key', '=', credential).executeTakeFirst();
    },

    list() {
      return db.selectFrom('credential_budgets').selectAll().orderBy('credential_key').execute();
    },
  };
}
