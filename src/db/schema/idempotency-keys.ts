import type { Generated } from 'kysely';

/** A tenant's Idempotency-Key and the first answer given to it; `status_code` is null while that request runs. */
export interface IdempotencyKeysTable {
  tenant_id: string;
  key: string;
  /** SHA-256 of the method, path and canonical JSON body the key was first sent with. */
  request_hash: string;
  status_code: number | null;
  /** The answer's body exactly as sent. */
  response_body: string | null;
  created_at: Generated<Date>;
}

export interface IdempotencyKeysSchema {
  idempotency_keys: IdempotencyKeysTable;
}
