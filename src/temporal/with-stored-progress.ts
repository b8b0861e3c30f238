import type { Db } from '../db/connection.js';
import { syncOperationsRepository } from '../db/repositories/sync-operations.js';
import type { LiveSync } from './live-sync-status.js';

/**
 * A running sync's view with the progress its activity stored: the workflow knows which phase it
 * is in, the operation row how far the work got (kept out of the workflow's history).
 */
export async function withStoredProgress(db: Db, live: LiveSync | undefined): Promise<LiveSync | undefined> {
  const view = live?.view;
  if (!live || !view?.operationId || view.phase !== 'streaming') return live;
  const progress = await syncOperationsRepository(db).progressOf(view.operationId);
  return progress ? { ...live, view: { ...view, ...progress } } : live;
}
