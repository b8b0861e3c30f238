import type { GitHubEmulator } from '@reposync/github-emulator';
import type { InitialSyncResult } from '../../src/shared/initial-sync.js';
import type { Project, SyncStarted } from '../../test/support/api-answers.js';
import type { ImportStack } from './import-stack.js';

export interface ImportFigures {
  files: number;
  /** Bytes of the stored files (the snapshot's total). */
  bytes: number;
  wallMs: number;
  /** What the operation row says: duration and GitHub requests counted by reposync. */
  operationMs: number;
  operationRequests: number;
  /** What the emulator answered during the import: REST API calls, and codeload downloads. */
  apiRequests: number;
  codeloadRequests: number;
  requestsByRoute: Record<string, number>;
  blobsUploaded: number;
  fetchedOutsideArchive: number;
  /** VmHWM of the worker process before the import started (start-up) and after it ended. */
  idleRss: number;
  peakRss: number;
  sampledRss: number;
}

/**
 * Links `owner/repo` as a project through the API and runs its InitialSync; the wall time runs
 * from the API call that starts the workflow to the workflow's result.
 */
export async function measureImport(stack: ImportStack, github: GitHubEmulator, owner: string, repo: string): Promise<ImportFigures> {
  const { app, auth, temporal, db, worker } = stack;
  const linked = await app.inject({ method: 'POST', url: '/api/projects', headers: auth, payload: { owner, repo, token: github.token } });
  if (linked.statusCode !== 201) throw new Error(`linking ${owner}/${repo} failed: ${linked.statusCode} ${linked.body}`);
  const { id } = linked.json<Project>();
  github.requests.clear();
  const idleRss = worker.peakRss();

  const started = performance.now();
  const response = await app.inject({ method: 'POST', url: `/api/projects/${id}/sync/initial`, headers: auth });
  if (response.statusCode !== 202) throw new Error(`starting the import failed: ${response.statusCode} ${response.body}`);
  const { workflowId, syncId } = response.json<SyncStarted>();
  const result = (await temporal.workflow.getHandle(workflowId, syncId ?? undefined).result()) as InitialSyncResult;
  const wallMs = performance.now() - started;
  const peakRss = worker.peakRss();

  const operation = await db.selectFrom('sync_operations').select(['api_requests', 'duration_ms', 'metadata']).where('id', '=', result.operationId).executeTakeFirstOrThrow();
  const snapshot = await db.selectFrom('snapshots').select(['file_count', 'total_bytes']).where('project_id', '=', id).where('complete', '=', true).executeTakeFirstOrThrow();
  const requests = github.requests.filter();
  const requestsByRoute = github.requests.byRoute();
  return {
    files: Number(snapshot.file_count),
    bytes: Number(snapshot.total_bytes),
    wallMs,
    operationMs: operation.duration_ms ?? 0,
    operationRequests: operation.api_requests,
    apiRequests: requests.filter((entry) => entry.host === 'api').length,
    codeloadRequests: requests.filter((entry) => entry.host === 'codeload').length,
    requestsByRoute,
    blobsUploaded: result.blobsUploaded,
    fetchedOutsideArchive: Number(operation.metadata.fetchedOutsideArchiveCount ?? 0),
    idleRss,
    peakRss,
    sampledRss: worker.sampledRss(),
  };
}
