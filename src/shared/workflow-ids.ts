/** Workflow ids are keyed by project, so Temporal itself enforces one run per id. */
export const initialSyncWorkflowId = (projectId: string) => `initial-sync/${projectId}`;
export const incrementalSyncWorkflowId = (projectId: string) => `incremental-sync/${projectId}`;
export const verifyWorkflowId = (projectId: string) => `verify/${projectId}`;
export const outboundSyncWorkflowId = (projectId: string, operationId: string) => `outbound-sync/${projectId}/${operationId}`;
