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

    /**
     * Revokes the one live key shown as `prefix` (the first characters listings show). Refuses
     * when no live key, or more than one, starts that way, so a typo never revokes the wrong key.
     */
    async revokeByPrefix(prefix: string): Promise<{ id: string; name: string; tenantName: string }> {
      return db.transaction().execute(async (trx) => {
        const matches = await trx
          .selectFrom('api_keys')
          .innerJoin('tenants', 'tenants.id', 'api_keys.tenant_id')
          .select(['api_keys.id', 'api_keys.name', 'tenants.name as tenantName'])
          .where('api_keys.key_prefix', '=', prefix)
          .where('api_keys.revoked_at', 'is', null)
          .forUpdate()
          .execute();
        if (matches.length !== 1) {
          throw new Error(matches.length === 0 ? `no live API key starts with "${prefix}"` : `${matches.length} live API keys start with "${prefix}"; none was revoked`);
        }
        await trx.updateTable('api_keys').set({ revoked_at: new Date() }).where('id', '=', matches[0]!.id).execute();
        return matches[0]!;
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
