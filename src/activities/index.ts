import type { ActivityDeps } from './deps.js';
import { createInitialSyncActivities } from './initial-sync.js';

export type { ActivityDeps } from './deps.js';

/** Every activity the worker registers, built from explicit dependencies. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createInitialSyncActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
