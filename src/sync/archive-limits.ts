/** Caps against hostile archives (zip bombs); configurable per deployment. */
export interface ArchiveLimits {
  /** Total bytes inflated from one archive. */
  maxTotalBytes: number;
  /** Inflated bytes per compressed byte, checked once an entry passes `ratioCheckAfterBytes`. */
  maxCompressionRatio: number;
  ratioCheckAfterBytes: number;
}

export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = {
  maxTotalBytes: 20 * 1024 * 1024 * 1024,
  // Source text compresses 3-10x; 1000x only happens with crafted or degenerate content.
  maxCompressionRatio: 1000,
  ratioCheckAfterBytes: 16 * 1024 * 1024,
};

export class UnsafeArchiveError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsafeArchiveError';
  }
}
