/**
 * The heartbeat details of an import: how many manifest rows are saved. A retry resumes from the
 * saved rows, so this is the point it resumes from, and its growth between lost workers is the
 * measure of progress.
 */
export interface ImportCheckpoint {
  phase: string;
  filesSaved: number;
}
