import type { GitHubEmulator } from '@reposync/github-emulator';
import type { InitialSyncResult } from '../../src/shared/initial-sync.js';
import type { Project, SyncStarted } from '../../test/support/api-answers.js';
import { childRun } from '../../test/support/child-run.js';
import type { ImportStack } from './import-stack.js';
import { measureFileReads, type ReadFigures } from './read-latency.js';

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
  /** Pack objects and objects of their own the import wrote, and the S3 write requests that took. */
  packsWritten: number;
  objectsWritten: number;
  s3WriteRequests: number;
  /** What one PUT per stored blob (before packs) would have taken: multipart uploads counted as such. */
  s3WriteRequestsOnePerBlob: number;
  /** Request timings of reading files through the API, when measured. */
  reads?: ReadFigures;
  fetchedOutsideArchive: number;
  /** VmHWM of the worker process before the import started (start-up) and after it ended. */
  idleRss: number;
  peakRss: number;
  sampledRss: number;
}

/** The S3 blob store's part size: objects at least this large go up as multipart uploads. */
const MULTIPART_PART_BYTES = 8 * 1024 * 1024;

/** S3 requests to store one object of `size` bytes: one PUT, or a multipart upload (create, parts, complete). */
const writeRequests = (size: number) => (size >= MULTIPART_PART_BYTES ? Math.ceil(size / MULTIPART_PART_BYTES) + 2 : 1);

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

  const startedAt = new Date();
  const started = performance.now();
  const response = await app.inject({ method: 'POST', url: `/api/projects/${id}/sync/initial`, headers: auth });
  if (response.statusCode !== 202) throw new Error(`starting the import failed: ${response.statusCode} ${response.body}`);
  const { workflowId } = response.json<SyncStarted>();
  // The API answers before the project's writer starts the sync: its run is learnt by waiting for it.
  const result = (await (await childRun(temporal, workflowId, startedAt)).result()) as InitialSyncResult;
  const wallMs = performance.now() - started;
  const peakRss = worker.peakRss();

  const operation = await db.selectFrom('sync_operations').select(['api_requests', 'duration_ms', 'metadata']).where('id', '=', result.operationId).executeTakeFirstOrThrow();
  const snapshot = await db.selectFrom('snapshots').select(['file_count', 'total_bytes']).where('project_id', '=', id).where('complete', '=', true).executeTakeFirstOrThrow();
  const packs = await db.selectFrom('blob_packs').select('key').where('created_at', '>=', startedAt).execute();
  const stored = await db.selectFrom('blobs').select(['size', 'pack_key']).where('created_at', '>=', startedAt).execute();
  const objects = stored.filter((blob) => blob.pack_key === null);
  const requests = github.requests.filter();
  const requestsByRoute = github.requests.byRoute();
  const reads = await measureFileReads(stack, id);
  return {
    ...(reads ? { reads } : {}),
    files: Number(snapshot.file_count),
    bytes: Number(snapshot.total_bytes),
    wallMs,
    operationMs: operation.duration_ms ?? 0,
    operationRequests: operation.api_requests,
    apiRequests: requests.filter((entry) => entry.host === 'api').length,
    codeloadRequests: requests.filter((entry) => entry.host === 'codeload').length,
    requestsByRoute,
    blobsUploaded: result.blobsUploaded,
    packsWritten: packs.length,
    objectsWritten: objects.length,
    // A pack is one PUT.
    s3WriteRequests: packs.length + objects.reduce((sum, { size }) => sum + writeRequests(size), 0),
    s3WriteRequestsOnePerBlob: stored.reduce((sum, { size }) => sum + writeRequests(size), 0),
    fetchedOutsideArchive: Number(operation.metadata.fetchedOutsideArchiveCount ?? 0),
    idleRss,
    peakRss,
    sampledRss: worker.sampledRss(),
  };
}
