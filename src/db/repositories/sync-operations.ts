import { sql, type Selectable, type Updateable } from 'kysely';
import type { Db } from '../connection.js';
import type { SyncProgress } from '../../shared/sync-status.js';
import type { OperationKind, SyncOperationsTable } from '../schema/index.js';

export type SyncOperation = Selectable<SyncOperationsTable>;

/** A new operation's row: what it is, and nothing done yet. */
function newOperation(values: { id: string; projectId: string; kind: OperationKind; direction: 'inbound' | 'outbound'; workflowId: string }, state: { status: 'pending' | 'running'; runId: string | null; beforeSha: string | null; metadata: Record<string, unknown> }) {
  return {
    id: values.id,
    project_id: values.projectId,
    kind: values.kind,
    direction: values.direction,
    status: state.status,
    workflow_id: values.workflowId,
    run_id: state.runId,
    before_sha: state.beforeSha,
    after_sha: null,
    error_code: null,
    error_message: null,
    completed_at: null,
    duration_ms: null,
    metadata: JSON.stringify(state.metadata),
  };
}

export function syncOperationsRepository(db: Db) {
  return {
    /**
     * Opens the operation whose id the workflow chose (deterministically), created on the first
     * call: an activity retried after a crash finds the row it created before.
     */
    async open(values: { id: string; projectId: string; kind: OperationKind; direction: 'inbound' | 'outbound'; workflowId: string; runId: string }): Promise<SyncOperation> {
      const existing = await db.selectFrom('sync_operations').selectAll().where('id', '=', values.id).executeTakeFirst();
      if (existing) return existing;
      return db
        .insertInto('sync_operations')
        .values(newOperation(values, { status: 'running', runId: values.runId, beforeSha: null, metadata: {} }))
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    /**
     * Records an operation accepted but not started: its workflow records its run when it starts
     * (see `resume`). `metadata` holds what the operation needs besides its id (the request).
     */
    async createPending(values: { id: string; projectId: string; kind: OperationKind; direction: 'inbound' | 'outbound'; workflowId: string; beforeSha: string | null; metadata: Record<string, unknown> }): Promise<void> {
      await db
        .insertInto('sync_operations')
        .values(newOperation(values, { status: 'pending', runId: null, beforeSha: values.beforeSha, metadata: values.metadata }))
        .execute();
    },

    /**
     * Marks an operation running under the workflow run now working on it: a retried or resumed
     * run clears what an earlier attempt left (its error, its end).
     */
    async resume(id: string, run: { workflowId: string | null; runId: string | null }): Promise<void> {
      await db
        .updateTable('sync_operations')
        .set({ status: 'running', workflow_id: run.workflowId, run_id: run.runId, error_code: null, error_message: null, completed_at: null })
        .where('id', '=', id)
        .execute();
    },

    /** Adds GitHub requests an activity made to the operation's count. */
    async addRequests(id: string, count: number): Promise<void> {
      if (count === 0) return;
      await db.updateTable('sync_operations').set({ api_requests: sql<number>`api_requests + ${count}` }).where('id', '=', id).execute();
    },

    /** Stores a running operation's progress, for the status API (never the workflow's history). */
    async recordProgress(id: string, progress: SyncProgress): Promise<void> {
      await db.updateTable('sync_operations').set({ progress: JSON.stringify(progress) }).where('id', '=', id).where('status', '=', 'running').execute();
    },

    /** The progress a running operation last stored, if any. */
    async progressOf(id: string): Promise<SyncProgress | null> {
      const row = await db.selectFrom('sync_operations').select('progress').where('id', '=', id).executeTakeFirst();
      return row?.progress ?? null;
    },

    /** Closes an operation; `apiRequestsDelta` adds to the requests earlier activities counted. */
    async finish(id: string, { apiRequestsDelta = 0, ...changes }: Omit<Updateable<SyncOperationsTable>, 'completed_at' | 'duration_ms'> & { apiRequestsDelta?: number }): Promise<void> {
      await db
        .updateTable('sync_operations')
        .set({
          ...changes,
          api_requests: sql<number>`api_requests + ${apiRequestsDelta}`,
          completed_at: sql<Date>`now()`,
          duration_ms: sql<number>`(extract(epoch from (now() - started_at)) * 1000)::int`,
        })
        .where('id', '=', id)
        .execute();
    },

    listForProject(projectId: string, { limit, offset }: { limit: number; offset: number }): Promise<SyncOperation[]> {
      return db.selectFrom('sync_operations').selectAll().where('project_id', '=', projectId).orderBy('started_at', 'desc').orderBy('id').limit(limit).offset(offset).execute();
    },

    /**
     * Whether `commitSha` is the commit an outbound operation of the project wrote (recorded before
     * its ref moves), so the push GitHub sends for it is our own echo.
     */
    async isOutboundCommit(projectId: string, commitSha: string): Promise<boolean> {
      const found = await db
        .selectFrom('sync_operations')
        .select('id')
        .where('project_id', '=', projectId)
        .where('kind', '=', 'outbound')
        .where(sql<boolean>`metadata->'commit'->>'sha' = ${commitSha}`)
        .executeTakeFirst();
      return found !== undefined;
    },

    latestOutbound(projectId: string): Promise<SyncOperation | undefined> {
      return db.selectFrom('sync_operations').selectAll().where('project_id', '=', projectId).where('kind', '=', 'outbound').orderBy('started_at', 'desc').limit(1).executeTakeFirst();
    },

    findForProject(projectId: string, id: string): Promise<SyncOperation | undefined> {
      return db.selectFrom('sync_operations').selectAll().where('project_id', '=', projectId).where('id', '=', id).executeTakeFirst();
    },
  };
}
