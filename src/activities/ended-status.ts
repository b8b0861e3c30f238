import type { SyncErrorCode } from '../shared/error-codes.js';

/** The status a sync or an operation that did not succeed ends with: `cancelled` only when someone cancelled it. */
export function endedStatus(code: SyncErrorCode): 'failed' | 'cancelled' {
  return code === 'cancelled' ? 'cancelled' : 'failed';
}
