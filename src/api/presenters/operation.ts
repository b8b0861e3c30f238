import type { SyncOperation } from '../../db/repositories/sync-operations.js';

/** A sync or outbound operation as the API shows it, with its SHAs, counts and error. */
export function presentOperation(operation: SyncOperation) {
  return {
    id: operation.id,
    kind: operation.kind,
    direction: operation.direction,
    status: operation.status,
    workflowId: operation.workflow_id,
    runId: operation.run_id,
    beforeSha: operation.before_sha,
    afterSha: operation.after_sha,
    filesAdded: operation.files_added,
    filesModified: operation.files_modified,
    filesRemoved: operation.files_removed,
    filesSkipped: operation.files_skipped,
    bytes: operation.bytes,
    apiRequests: operation.api_requests,
    error: operation.error_code ? { code: operation.error_code, message: operation.error_message ?? '' } : null,
    startedAt: operation.started_at.toISOString(),
    completedAt: operation.completed_at?.toISOString() ?? null,
    durationMs: operation.duration_ms,
    metadata: operation.metadata,
  };
}
