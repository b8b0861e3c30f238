import type { Db } from '../connection.js';

export function writerJobsRepository(db: Db) {
  return {
    /**
     * Records a job handed to the writer; false when the same job is already queued or running,
     * decided by the primary key so two concurrent requests cannot both be first.
     */
    async claim(job: { workflowId: string; projectId: string; kind: string }): Promise<boolean> {
      const inserted = await db
        .insertInto('writer_jobs')
        .values({ workflow_id: job.workflowId, project_id: job.projectId, kind: job.kind })
        .onConflict((oc) => oc.column('workflow_id').doNothing())
        .returning('workflow_id')
        .executeTakeFirst();
      return inserted !== undefined;
    },

    /** Whether any job of the project waits its turn or runs. */
    async anyFor(projectId: string): Promise<boolean> {
      return (await db.selectFrom('writer_jobs').select('workflow_id').where('project_id', '=', projectId).limit(1).executeTakeFirst()) !== undefined;
    },

    /** Forgets a job once the writer has finished it (or could not start it). */
    async release(workflowId: string): Promise<void> {
      await db.deleteFrom('writer_jobs').where('workflow_id', '=', workflowId).execute();
    },
  };
}
