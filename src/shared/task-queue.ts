/** The default task queue; TEMPORAL_TASK_QUEUE overrides it (tests use one per file). */
export const DEFAULT_TASK_QUEUE = 'reposync';
