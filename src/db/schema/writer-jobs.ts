import type { Generated } from 'kysely';

/** A child job (import, verify) handed to a project's writer and not yet finished, by child workflow id. */
export interface WriterJobsTable {
  workflow_id: string;
  project_id: string;
  kind: string;
  requested_at: Generated<Date>;
}

export interface WriterJobsSchema {
  writer_jobs: WriterJobsTable;
}
