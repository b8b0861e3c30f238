import type { ActivityDeps } from './deps.js';
import { createFleetActivities } from './fleet-sync.js';
import { createGarbageCollectionActivities } from './garbage-collection.js';
import { createIncrementalSyncActivities } from './incremental-sync.js';
import { createInitialSyncActivities } from './initial-sync.js';
import { createMetadataSyncActivities } from './metadata-sync.js';
import { createOutboundSyncActivities } from './outbound-sync.js';
import { createPollActivities } from './poll-projects.js';
import { createVerifyActivities } from './verify-blobs.js';
import { createWriterJobActivities } from './writer-jobs.js';

export type { ActivityDeps } from './deps.js';

/** Every activity the worker registers, built from explicit dependencies. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createInitialSyncActivities(deps),
    ...createIncrementalSyncActivities(deps),
    ...createPollActivities(deps),
    ...createOutboundSyncActivities(deps),
    ...createVerifyActivities(deps),
    ...createWriterJobActivities(deps),
    ...createMetadataSyncActivities(deps),
    ...createFleetActivities(deps),
    ...createGarbageCollectionActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
