import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import { blobsRepository } from '../../../db/repositories/blobs.js';
import { outboundChangesRepository } from '../../../db/repositories/outbound-changes.js';
import { snapshotsRepository } from '../../../db/repositories/snapshots.js';
import { syncOperationsRepository } from '../../../db/repositories/sync-operations.js';
import type { OutboundRequest } from '../../../outbound/outbound-request.js';
import { ChangeValidationError, validateChanges, type ValidChange } from '../../../outbound/validate-changes.js';
import type { OutboundFileMode } from '../../../shared/outbound-sync.js';
import { outboundSyncWorkflowId } from '../../../shared/workflow-ids.js';
import { resolveFilter } from '../../../sync/file-filter.js';
import { requestOutboundSync } from '../../../temporal/project-writer.js';
import { httpError } from '../../http-error.js';
import { IdempotencyHeadersSchema, idempotencyHooks, idempotencyResponses } from '../../idempotency/idempotency-key.js';
import { conflictResponse, IdParamsSchema, tooManyRequestsResponse, type IdParams } from '../../schemas/common.js';
import { OutboundAcceptedSchema, OutboundRequestSchema, type OutboundAccepted, type OutboundRequestBody } from '../../schemas/outbound.js';
import { loadProject } from './load-project.js';
import { tenantSlots } from './tenant-slots.js';

const tags = ['outbound'];
const security = [{ apiKey: [] }];
const UPLOAD_CONCURRENCY = 16;

/**
 * POST /api/projects/:id/outbound: checks the edit, stores its contents content-addressed, records
 * the operation and its changes, and only then asks the project's writer to run OutboundSync —
 * so the workflow carries ids, not file contents, and a rejected request changes nothing.
 */
export const outboundRoutes: FastifyPluginAsync = async (fastify) => {
  const { db, blobs, temporal, config } = fastify.deps;
  // A body is held several times over while it is parsed, decoded and stored (JSON text, parsed
  // strings, decoded buffers): the size cap and the per-tenant slots bound that memory.
  const slots = tenantSlots(config.outbound.maxConcurrentPerTenant, 'outbound edits');
  const idempotent = idempotencyHooks(db);

  fastify.post<{ Params: IdParams; Body: OutboundRequestBody }>(
    '/api/projects/:id/outbound',
    {
      onRequest: [fastify.authenticate, slots.onRequest],
      onResponse: slots.onResponse,
      onRequestAbort: slots.onRequestAbort,
      ...idempotent,
      bodyLimit: config.outbound.maxBodyBytes,
      schema: {
        tags,
        security,
        summary: 'Commit edits to GitHub (direct commit, pull request, or hybrid)',
        params: IdParamsSchema,
        body: OutboundRequestSchema,
        headers: IdempotencyHeadersSchema,
        response: { 202: OutboundAcceptedSchema, ...conflictResponse, ...tooManyRequestsResponse, ...idempotencyResponses },
      },
    },
    async (request, reply) => {
      const project = await loadProject(db, request);
      if (!project.current_snapshot_id || !project.last_synced_sha) throw httpError(409, 'conflict', 'initial sync required: POST /api/projects/:id/sync/initial first');
      if (project.archived) throw httpError(409, 'conflict', `${project.owner}/${project.repo} is archived on GitHub, so it is read-only`);
      const body = request.body;
      let changes: ValidChange[];
      try {
        changes = validateChanges(body.changes, resolveFilter(project.filter));
      } catch (error) {
        if (error instanceof ChangeValidationError) throw httpError(400, 'bad-request', error.message);
        throw error;
      }

      // The edit's base: what our snapshot holds for these paths (deletions must exist; modes carry over).
      const snapshotId = project.current_snapshot_id;
      const base = await snapshotsRepository(db).entriesAt(snapshotId, changes.map((change) => change.path));
      const existing = new Map(base.map((row) => [row.path, row.mode]));
      changes.forEach((change, index) => {
        if (change.delete && !existing.has(change.path)) throw httpError(400, 'bad-request', `changes[${index}].path: ${change.path} is not in the project's current snapshot, so it cannot be deleted`);
      });

      // Contents first, content-addressed: a repeated upload is a no-op, and a request that fails
      // later leaves only blobs nobody points at.
      const contents = changes.filter((change) => !change.delete);
      const known = await blobsRepository(db).knownAmong([...new Set(contents.map((change) => change.sha))]);
      const missing = [...new Map(contents.filter((change) => !known.has(change.sha)).map((change) => [change.sha, change.content])).entries()];
      await Promise.all(
        Array.from({ length: Math.min(UPLOAD_CONCURRENCY, missing.length) }, async () => {
          for (let next = missing.pop(); next; next = missing.pop()) await blobs.put(next[0], next[1].length, next[1], { knownAbsent: true });
        }),
      );
      await blobsRepository(db).record(contents.map((change) => ({ sha: change.sha, size: change.content.length })));

      const operationId = randomUUID();
      const workflowId = outboundSyncWorkflowId(project.id, operationId);
      const warnings = contents.flatMap((change) => (change.warning ? [`${change.path}: ${change.warning}`] : []));
      const outbound: OutboundRequest = {
        message: body.message,
        mode: body.mode ?? project.sync_mode,
        author: body.author ?? null,
        baseSha: project.last_synced_sha,
        baseSnapshotId: snapshotId,
        requestedAt: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      };
      await db.transaction().execute(async (trx) => {
        await syncOperationsRepository(trx).createPending({
          id: operationId,
          projectId: project.id,
          kind: 'outbound',
          direction: 'outbound',
          workflowId,
          beforeSha: project.last_synced_sha,
          metadata: { request: outbound, files: changes.length, warnings },
        });
        await outboundChangesRepository(trx).add(
          changes.map((change, position) =>
            change.delete
              ? { operation_id: operationId, position, path: change.path, blob_sha: null, mode: null, skip_reason: null, warning: null }
              : {
                  operation_id: operationId,
                  position,
                  path: change.path,
                  blob_sha: change.sha,
                  mode: change.mode ?? keptMode(existing.get(change.path)),
                  size: change.content.length,
                  is_text: change.isText,
                  editable: change.editable,
                  lfs_pointer: change.lfsPointer,
                  skip_reason: change.skipReason,
                  warning: change.warning,
                },
          ),
        );
      });

      try {
        // The project's writer runs it as soon as any sync in progress ends.
        // Accepted at once; OutboundSync records its run id on the operation when it starts.
        await requestOutboundSync(temporal, db, config, project, operationId);
      } catch (error) {
        await syncOperationsRepository(db).finish(operationId, { status: 'failed', error_code: 'internal', error_message: `could not start OutboundSync: ${(error as Error).message}` });
        throw error;
      }
      request.log.info({ projectId: project.id, operationId, files: changes.length, mode: outbound.mode }, 'outbound sync requested');
      const accepted: OutboundAccepted = { operationId, workflowId, status: 'pending', warnings };
      return reply.status(202).send(accepted);
    },
  );
};

/** An edit without a mode keeps the path's (a symlink or an executable stays one); new paths are regular files. */
function keptMode(mode: string | undefined): OutboundFileMode {
  return mode === '100755' || mode === '120000' ? mode : '100644';
}
