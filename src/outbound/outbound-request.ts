import type { SyncMode } from '../shared/outbound-sync.js';

/** What the API records in an outbound operation's metadata (`metadata.request`) besides its changes. */
export interface OutboundRequest {
  message: string;
  mode: SyncMode;
  author: { name: string; email: string } | null;
  /** The commit our snapshot was at when the edit was made: what "changed remotely" is measured from. */
  baseSha: string;
  baseSnapshotId: string;
  /** Fixed once, so every attempt writes the same author date (and so the same commit). */
  requestedAt: string;
}

/** A commit an attempt created, recorded before the ref moves so a retry reuses it. */
export interface RecordedCommit {
  sha: string;
  parentSha: string;
  treeSha: string;
}

export function readOutboundRequest(metadata: Record<string, unknown>): OutboundRequest {
  const request = metadata.request as OutboundRequest | undefined;
  if (!request || typeof request.baseSha !== 'string') throw new TypeError('the operation has no recorded outbound request');
  return request;
}
