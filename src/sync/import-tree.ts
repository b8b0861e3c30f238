import type { TreeEntry } from '../github/recursive-tree.js';

/**
 * The commit tree an import fills a snapshot from, read in pages in byte order of path — the
 * order of git's trees and of the archives git makes — so the import never needs the whole tree
 * in memory: it walks the pages, and looks up the entries an archive streams one window at a time.
 */
export interface ImportTree {
  /** How many entries the tree has, and the bytes of their blobs. */
  totals(): Promise<{ files: number; bytes: number }>;
  /**
   * Up to `limit` entries in path order: from `from` on (itself included when in the tree), or,
   * with `after`, strictly after it; from the first entry with neither.
   */
  page(options: { from?: string; after?: string; limit: number }): Promise<TreeEntry[]>;
}

/**
 * Byte order of the UTF-8 paths, the order PostgreSQL's "C" collation and git use: code point
 * order, which UTF-16 code units follow except where a surrogate pair meets a character above
 * U+E000 — there the first differing code point decides.
 */
export function comparePaths(a: string, b: string): number {
  if (a === b) return 0;
  const shorter = Math.min(a.length, b.length);
  let i = 0;
  while (i < shorter && a.charCodeAt(i) === b.charCodeAt(i)) i += 1;
  if (i === shorter) return a.length - b.length;
  return a.codePointAt(i)! - b.codePointAt(i)!;
}

/** A tree already in memory (a diff's changed entries, a test's tree) as an `ImportTree`. */
export function memoryImportTree(entries: TreeEntry[]): ImportTree {
  const sorted = [...entries].sort((a, b) => comparePaths(a.path, b.path));
  const bytes = sorted.reduce((sum, entry) => sum + entry.size, 0);
  /** The index of the first entry whose path is at least `path` (or above it, with `strictly`). */
  function firstIndex(path: string, strictly: boolean): number {
    let low = 0;
    let high = sorted.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const order = comparePaths(sorted[middle]!.path, path);
      if (order < 0 || (strictly && order === 0)) low = middle + 1;
      else high = middle;
    }
    return low;
  }
  return {
    totals: () => Promise.resolve({ files: sorted.length, bytes }),
    page: ({ from, after, limit }) => {
      const start = after !== undefined ? firstIndex(after, true) : from !== undefined ? firstIndex(from, false) : 0;
      return Promise.resolve(sorted.slice(start, start + limit));
    },
  };
}

/** Every entry of `tree`, one page at a time, in path order. */
export async function* pagesOf(tree: ImportTree, pageSize: number): AsyncGenerator<TreeEntry[]> {
  let after: string | undefined;
  for (;;) {
    const page = await tree.page(after === undefined ? { limit: pageSize } : { after, limit: pageSize });
    if (page.length === 0) return;
    yield page;
    if (page.length < pageSize) return;
    after = page[page.length - 1]!.path;
  }
}
