import { patched, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { SyncErrorCode } from '../shared/error-codes.js';
import { searchAttributes } from '../shared/search-attributes.js';
import type { SyncPhase } from '../shared/sync-status.js';

type KeywordKey = (typeof searchAttributes)['syncPhase'];

/** Runs that began before workflows upserted search attributes replay without these commands. */
const UPSERTS_PATCH = 'upsert-search-attributes';

/** Sets a Keyword attribute of this run (null removes it); a value it already has costs no history event. */
function upsertKeyword(key: KeywordKey, value: string | null): void {
  if ((workflowInfo().typedSearchAttributes.get(key) ?? null) === value) return;
  if (!patched(UPSERTS_PATCH)) return;
  upsertSearchAttributes([{ key, value }]);
}

/** `SyncPhase`: the phase the run's sync is in, as its status query reports it. */
export const recordPhase = (phase: SyncPhase) => upsertKeyword(searchAttributes.syncPhase, phase);

/** `LastErrorCode`: the code the run's last sync failed with; null once a sync succeeds again. */
export const recordErrorCode = (code: SyncErrorCode | null) => upsertKeyword(searchAttributes.lastErrorCode, code);
