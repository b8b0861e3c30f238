import type { SyncMode } from '../shared/outbound-sync.js';

export type OutboundRoute = { kind: 'direct' } | { kind: 'pull-request'; reason: 'mode' | 'protected' | 'conflict' } | { kind: 'conflict' };

/**
 * Where a commit goes: `protected_pr` always opens a pull request; `direct_commit`
 * always commits, and a conflict fails it; `hybrid` commits directly only to an unprotected
 * branch without conflicts, and opens a pull request otherwise.
 */
export function chooseRoute(mode: SyncMode, branchProtected: boolean, conflicting: boolean): OutboundRoute {
  if (mode === 'direct_commit') return conflicting ? { kind: 'conflict' } : { kind: 'direct' };
  if (conflicting) return { kind: 'pull-request', reason: 'conflict' };
  if (mode === 'protected_pr') return { kind: 'pull-request', reason: 'mode' };
  return branchProtected ? { kind: 'pull-request', reason: 'protected' } : { kind: 'direct' };
}
