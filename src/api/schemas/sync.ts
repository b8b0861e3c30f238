import { Type, type Static } from '@sinclair/typebox';
import { PageOffsetSchema } from './common.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

export const SyncStartedSchema = Type.Object({
  syncId: Nullable(Type.String({ description: 'The workflow run id of this sync, when known at once; null while the job waits its turn (follow it by `workflowId`)' })),
  workflowId: Type.String({ description: 'The workflow that serves this request, known up front (e.g. `initial-sync/<projectId>`)' }),
  status: Type.Literal('pending'),
  alreadyRunning: Type.Boolean(),
});
export type SyncStarted = Static<typeof SyncStartedSchema>;

export const SyncProgressSchema = Type.Object({
  filesDone: Type.Integer(),
  filesTotal: Type.Integer(),
  bytesDone: Type.Number(),
  bytesTotal: Type.Number(),
  percent: Type.Number(),
  currentPath: Nullable(Type.String()),
  etaSeconds: Nullable(Type.Number()),
});

export const SyncStatusSchema = Type.Object({
  status: Type.String({ description: 'idle | pending | syncing | synced | failed | cancelled' }),
  phase: Nullable(Type.String()),
  workflowId: Nullable(Type.String()),
  operationId: Nullable(Type.String()),
  progress: Nullable(SyncProgressSchema),
  lastSyncedCommitSha: Nullable(Type.String()),
  syncStartedAt: Nullable(Type.String({ format: 'date-time' })),
  syncCompletedAt: Nullable(Type.String({ format: 'date-time' })),
  error: Nullable(Type.Object({ code: Type.String(), message: Type.String() })),
  lastOutbound: Type.Optional(
    Nullable(
      Type.Object(
        {
          operationId: Type.String(),
          status: Type.String({ description: 'pending | running | succeeded | failed | cancelled' }),
          result: Nullable(Type.Record(Type.String(), Type.Unknown(), { description: 'the commit (commitSha) or pull request (number, url) it ended with' })),
          conflicts: Type.Array(Type.String()),
          error: Nullable(Type.Object({ code: Type.String(), message: Type.String() })),
          startedAt: Type.String({ format: 'date-time' }),
          completedAt: Nullable(Type.String({ format: 'date-time' })),
        },
        { description: "The project's latest outbound edit" },
      ),
    ),
  ),
});
export type SyncStatusBody = Static<typeof SyncStatusSchema>;

export const OperationSchema = Type.Object(
  {
    id: Type.String(),
    kind: Type.String(),
    direction: Type.String(),
    status: Type.String(),
    workflowId: Nullable(Type.String()),
    runId: Nullable(Type.String()),
    beforeSha: Nullable(Type.String()),
    afterSha: Nullable(Type.String()),
    filesAdded: Type.Integer(),
    filesModified: Type.Integer(),
    filesRemoved: Type.Integer(),
    filesSkipped: Type.Integer(),
    bytes: Type.Number(),
    apiRequests: Type.Integer(),
    error: Nullable(Type.Object({ code: Type.String(), message: Type.String() })),
    startedAt: Type.String({ format: 'date-time' }),
    completedAt: Nullable(Type.String({ format: 'date-time' })),
    durationMs: Nullable(Type.Integer()),
    metadata: Type.Record(Type.String(), Type.Unknown()),
  },
  { $id: 'Operation' },
);

export const PageQuerySchema = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 50 }),
    offset: PageOffsetSchema,
  },
  { additionalProperties: false },
);
export type PageQuery = Static<typeof PageQuerySchema>;
