import { apiKeyPrefix, hashApiKey } from '../../crypto/api-key.js';
import type { Db } from '../connection.js';

export interface Caller {
  tenantId: string;
  apiKeyId: string;
}

export function apiKeysRepository(db: Db) {
  return {
    /** The tenant a presented key belongs to, or undefined for an unknown or revoked key. */
    async authenticate(key: string): Promise<Caller | undefined> {
      const row = await db
        .selectFrom('api_keys')
        .select(['id', 'tenant_id'])
        .where('key_hash', '=', hashApiKey(key))
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return row && { tenantId: row.tenant_id, apiKeyId: row.id };
    },

    /**
     * Makes sure `key` is a valid admin key (REPOSYNC_BOOTSTRAP_API_KEY): creates the admin
     * tenant and the key on first start, and keeps them on every later one.
     */
    async ensureBootstrapKey(key: string): Promise<Caller> {
      const existing = await this.authenticate(key);
      if (existing) return existing;
      return db.transaction().execute(async (trx) => {
        const tenant =
          (await trx.selectFrom('tenants').select('id').where('name', '=', 'admin').executeTakeFirst()) ??
          (await trx.insertInto('tenants').values({ name: 'admin' }).returning('id').executeTakeFirstOrThrow());
        const row = await trx
          .insertInto('api_keys')
          .values({ tenant_id: tenant.id, name: 'bootstrap', key_hash: hashApiKey(key), key_prefix: apiKeyPrefix(key), last_used_at: null, revoked_at: null })
          .onConflict((oc) => oc.column('key_hash').doUpdateSet({ revoked_at: null }))
          .returning(['id', 'tenant_id'])
          .executeTakeFirstOrThrow();
        return { tenantId: row.tenant_id, apiKeyId: row.id };
      });
    },

    /** Creates a tenant with one key; returns the key's plaintext, which is never stored. */
    async createTenantWithKey(name: string, key: string): Promise<Caller> {
      return db.transaction().execute(async (trx) => {
        const tenant = await trx.insertInto('tenants').values({ name }).returning('id').executeTakeFirstOrThrow();
        const row = await trx
          .insertInto('api_keys')
          .values({ tenant_id: tenant.id, name, key_hash: hashApiKey(key), key_prefix: apiKeyPrefix(key), last_used_at: null, revoked_at: null })
          .returning(['id', 'tenant_id'])
          .executeTakeFirstOrThrow();
        return { tenantId: row.tenant_id, apiKeyId: row.id };
      });
    },
  };
}
