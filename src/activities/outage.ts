import { BlobIntegrityError, BlobNotFoundError, CorruptBlobError, PackNotFoundError, type BlobStore } from '../storage/blob-store.js';
import { transientFailure } from './failures.js';

/**
 * Labels blob store failures as `storage-unavailable` (retryable), so that when an outage
 * outlasts the retry budget the sync reports what was down. Integrity, corrupt-copy and not-found
 * errors are answers, not outages, and pass through.
 */
export function guardBlobStore(store: BlobStore): BlobStore {
  const guard = <A extends unknown[], R>(operation: string, call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      try {
        return await call(...args);
      } catch (error) {
        if (error instanceof BlobIntegrityError || error instanceof BlobNotFoundError || error instanceof CorruptBlobError || error instanceof PackNotFoundError) throw error;
        throw transientFailure('storage-unavailable', `blob store ${operation} failed: ${(error as Error).message}`, error);
      }
    };
  return {
    put: guard('put', store.put.bind(store)),
    has: guard('has', store.has.bind(store)),
    get: guard('get', store.get.bind(store)),
    list: store.list.bind(store),
    inventory: store.inventory.bind(store),
    delete: guard('delete', store.delete.bind(store)),
    putPack: guard('putPack', store.putPack.bind(store)),
    getRange: guard('getRange', store.getRange.bind(store)),
    hasPack: guard('hasPack', store.hasPack.bind(store)),
    deletePack: guard('deletePack', store.deletePack.bind(store)),
    listPacks: store.listPacks.bind(store),
    check: guard('check', store.check.bind(store)),
    close: store.close.bind(store),
  };
}

const CONNECTION_ERROR_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);

/** True for errors that mean PostgreSQL could not be reached (rather than a query being wrong). */
export function isDatabaseOutage(error: unknown): boolean {
  const code = (error as { code?: string }).code ?? '';
  const message = (error as Error).message ?? '';
  // SQLSTATE class 08 (connection exception) and 57P (operator intervention: shutdown).
  return CONNECTION_ERROR_CODES.has(code) || code.startsWith('08') || code.startsWith('57P') || /Connection terminated|connect ECONNREFUSED|timeout exceeded when trying to connect/i.test(message);
}

/** Runs database work, labelling connection failures as `database-unavailable` (retryable). */
export async function withDatabase<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isDatabaseOutage(error)) throw transientFailure('database-unavailable', `database unavailable: ${(error as Error).message}`, error);
    throw error;
  }
}
