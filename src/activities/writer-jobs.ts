import { writerJobsRepository } from '../db/repositories/writer-jobs.js';
import type { ActivityDeps } from './deps.js';
import { withDatabase } from './outage.js';

/** The writer's side of `writer_jobs`: a finished child job is forgotten, so the next request queues a new one. */
export function createWriterJobActivities(deps: ActivityDeps) {
  const jobs = writerJobsRepository(deps.db);
  return {
    async releaseWriterJob({ workflowId }: { workflowId: string }): Promise<void> {
      await withDatabase(() => jobs.release(workflowId));
    },
  };
}
