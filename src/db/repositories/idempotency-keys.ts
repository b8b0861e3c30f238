import { sql } from 'kysely';
import type { Db } from '../connection.js';

/** How long a key's first answer is replayed; older rows are ignored and deleted. */
export const IDEMPOTENCY_KEY_TTL_HOURS = 24;

export interface StoredAnswer {
  requestHash: string;
  statusCode: number | null;
  responseBody: string | null;
}

const expired = sql<boolean>`created_at < now() - make_interval(hours => ${IDEMPOTENCY_KEY_TTL_HOURS})`;

export function idempotencyKeysRepository(db: Db) {
  return {
    /**
     * Claims the key for a request about to run; when the key is taken (and not expired), answers
     * what is stored for it instead. The primary key decides between concurrent copies.
     */
    async claim(tenantId: string, key: string, requestHash: string): Promise<{ claimed: true } | { claimed: false; stored: StoredAnswer }> {
      await db.deleteFrom('idempotency_keys').where('tenant_id', '=', tenantId).where(expired).execute();
      const inserted = await db
        .insertInto('idempotency_keys')
        .values({ tenant_id: tenantId, key, request_hash: requestHash })
        .onConflict((oc) => oc.columns(['tenant_id', 'key']).doNothing())
        .returning('key')
        .executeTakeFirst();
      if (inserted) return { claimed: true };
      const stored = await this.find(tenantId, key);
      // Deleted in between (its request failed with a 5xx): this request may run after all.
      return stored ? { claimed: false, stored } : this.claim(tenantId, key, requestHash);
    },

    async find(tenantId: string, key: string): Promise<StoredAnswer | undefined> {
      const row = await db
        .selectFrom('idempotency_keys')
        .select(['request_hash', 'status_code', 'response_body'])
        .where('tenant_id', '=', tenantId)
        .where('key', '=', key)
        .executeTakeFirst();
      return row && { requestHash: row.request_hash, statusCode: row.status_code, responseBody: row.response_body };
    },

    /** Stores the answer given to the request that claimed the key. */
    async answer(tenantId: string, key: string, statusCode: number, responseBody: string): Promise<void> {
      await db.updateTable('idempotency_keys').set({ status_code: statusCode, response_body: responseBody }).where('tenant_id', '=', tenantId).where('key', '=', key).execute();
    },

    /** Frees the key of a request that failed on our side, so a retry runs again. */
    async release(tenantId: string, key: string): Promise<void> {
      await db.deleteFrom('idempotency_keys').where('tenant_id', '=', tenantId).where('key', '=', key).where('status_code', 'is', null).execute();
    },
  };
}
