import type { FastifyPluginAsync } from 'fastify';
import type { Project } from '../../../db/repositories/projects.js';
import { snapshotsRepository, type Snapshot, type SnapshotFile } from '../../../db/repositories/snapshots.js';
import { httpError, notFound } from '../../http-error.js';
import { conflictResponse, IdParamsSchema, type IdParams } from '../../schemas/common.js';
import { FileContentQuerySchema, FileListQuerySchema, FilePathParamsSchema, FileListSchema, type FileContentQuery, type FileListQuery } from '../../schemas/files.js';
import { contentTypeFor } from './content-type.js';
import { presentFile } from '../../presenters/file.js';
import { loadProject } from './load-project.js';
import { Type } from '@sinclair/typebox';
import { blobsRepository } from '../../../db/repositories/blobs.js';
import { BlobNotFoundError, CorruptBlobError } from '../../../storage/blob-store.js';

const tags = ['files'];
const security = [{ apiKey: [] }];
const BlobMissingResponse = Type.Ref('Error', {
  description: "`blob-missing`: the file is in the snapshot but its content is missing from storage, or stored corrupt; POST /api/projects/:id/verify (or a re-import) fetches it again",
});

/** The current snapshot's files and their content, or an older snapshot's with ?ref=<commitSha>. */
export const fileRoutes: FastifyPluginAsync = async (fastify) => {
  const { db, blobs } = fastify.deps;
  const snapshots = snapshotsRepository(db);
  const blobIndex = blobsRepository(db);

  async function snapshotFor(project: Project, ref: string | undefined): Promise<Snapshot | undefined> {
    if (ref) {
      const snapshot = await snapshots.findCompleteForCommit(project.id, ref, project.current_snapshot_id);
      if (!snapshot) throw notFound(`snapshot of commit ${ref}`);
      return snapshot;
    }
    return project.current_snapshot_id ? snapshots.findById(project.current_snapshot_id) : undefined;
  }

  /**
   * A file's bytes. A blob the snapshot names but the store lost, or holds only as bytes that are
   * not its content, is recorded as missing (imports and verify then fetch it again) and answered
   * 503 `blob-missing`: the file exists, its content cannot be served until it is restored, and
   * retrying alone does not help. Wrong bytes are never served as the file.
   */
  async function readBlob(project: Project, file: SnapshotFile) {
    try {
      return await blobs.get(file.sha);
    } catch (error) {
      if (!(error instanceof BlobNotFoundError || error instanceof CorruptBlobError)) throw error;
      const state = error instanceof CorruptBlobError ? 'corrupt in storage' : 'missing from storage';
      fastify.log.warn({ projectId: project.id, path: file.path, blob: file.sha, reason: error.message }, `stored blob is ${state}`);
      await blobIndex.markMissing([{ sha: file.sha, size: file.size }]);
      throw httpError(503, 'blob-missing', `the content of ${file.path} (blob ${file.sha}) is ${state}; POST /api/projects/${project.id}/verify (or a re-import) fetches it again`);
    }
  }

  fastify.get<{ Params: IdParams; Querystring: FileListQuery }>(
    '/api/projects/:id/files',
    {
      schema: { tags, security, summary: 'List the snapshot, in path order, a page at a time', params: IdParamsSchema, querystring: FileListQuerySchema, response: { 200: FileListSchema } },
    },
    async (request) => {
      const project = await loadProject(db, request);
      const { ref, limit, cursor, prefix } = request.query;
      const snapshot = await snapshotFor(project, ref);
      if (!snapshot) return { commitSha: null, files: [], nextCursor: null };
      const rows = await snapshots.listFiles(snapshot.id, { limit: limit + 1, after: cursor, prefix });
      const page = rows.slice(0, limit);
      return { commitSha: snapshot.commit_sha, files: page.map(presentFile), nextCursor: rows.length > limit ? page[page.length - 1]!.path : null };
    },
  );

  fastify.get<{ Params: IdParams & { '*': string }; Querystring: FileContentQuery }>(
    '/api/projects/:id/files/*',
    {
      schema: {
        tags,
        security,
        summary: "A file's content, streamed from storage",
        params: Type.Intersect([IdParamsSchema, FilePathParamsSchema]),
        querystring: FileContentQuerySchema,
        response: { ...conflictResponse, 503: BlobMissingResponse },
      },
    },
    async (request, reply) => {
      const project = await loadProject(db, request);
      const path = request.params['*'];
      const snapshot = await snapshotFor(project, request.query.ref);
      const file = snapshot && (await snapshots.findFile(snapshot.id, path));
      if (!file) throw notFound(`file ${path}`);
      if (file.kind === 'submodule') throw httpError(409, 'conflict', `${path} is a submodule at commit ${file.sha}; it has no content here`);
      if (file.skip_reason) throw httpError(409, 'conflict', `${path} was not synced (${file.skip_reason}); its blob is ${file.sha}`);
      const stream = await readBlob(project, file);
      return reply
        .header('content-type', contentTypeFor(file.path, file.is_text))
        .header('content-length', String(file.size))
        .header('etag', `"${file.sha}"`)
        .header('x-reposync-mode', file.mode)
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "default-src 'none'; sandbox")
        .send(stream);
    },
  );
};
