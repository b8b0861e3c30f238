import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { GarbageCollectionInput, GarbageCollectionResult } from '../shared/garbage-collection.js';
import { streaming } from './activity-options.js';

/**
 * Garbage collection of the blob store (`garbage-collection/<taskQueue>`), started by its
 * Schedule: one long activity on the streaming queue. A lost worker's attempt is retried; the
 * collector's own steps are each safe to run again.
 */
export async function garbageCollection(input: GarbageCollectionInput): Promise<GarbageCollectionResult> {
  const { collectGarbage } = proxyActivities<Activities>(streaming(3));
  return collectGarbage(input);
}
