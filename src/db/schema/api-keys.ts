import type { Generated } from 'kysely';

/** API keys are stored as SHA-256 hashes; the plaintext is shown once, at creation. */
export interface ApiKeysTable {
  id: Generated<string>;
  tenant_id: string;
  name: string;
  /** Hex SHA-256 of the full key. */
  key_hash: string;
  /** First characters of the key, to tell keys apart in listings without revealing them. */
  key_prefix: string;
  created_at: Generated<Date>;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

export interface ApiKeysSchema {
  api_keys: ApiKeysTable;
}
