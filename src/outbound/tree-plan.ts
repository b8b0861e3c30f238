import type { TreeRequestEntry } from '../github/git-writes.js';
import type { OutboundFileMode } from '../shared/outbound-sync.js';

/** One recorded change, as OutboundSync reads it back: content by blob SHA, or a deletion. */
export interface PlannedChange {
  path: string;
  /** Null deletes the path. */
  sha: string | null;
  mode: OutboundFileMode | null;
  size: number;
  isText: boolean;
}

/** A path's entry in a tree on GitHub. */
export interface TreeFact {
  sha: string;
  mode: string;
}

/**
 * How a change reaches GitHub: not at all (the parent already has it), a deletion (`sha: null`),
 * a reference to a blob GitHub already holds, text inline in the tree request, or a blob created
 * first (binary or large content).
 */
export type ChangeRoute = 'unchanged' | 'delete' | 'reference' | 'inline' | 'blob';

/** Text up to this size travels inside the tree request; larger files go through the blobs API. */
export const INLINE_MAX_BYTES = 1024 * 1024;

/**
 * Decides each change's route against the parent commit's entries for the changed paths.
 * `known` holds blob SHAs GitHub is sure to have (every blob of the snapshot the edit was based
 * on), so a rename or a revert costs no upload at all.
 */
export function planChanges(changes: PlannedChange[], parent: Map<string, TreeFact>, known: Set<string>): Array<{ change: PlannedChange; route: ChangeRoute }> {
  return changes.map((change) => {
    const current = parent.get(change.path);
    if (change.sha === null) return { change, route: current ? 'delete' : 'unchanged' };
    if (current && current.sha === change.sha && current.mode === change.mode) return { change, route: 'unchanged' };
    if (known.has(change.sha) || current?.sha === change.sha) return { change, route: 'reference' };
    return { change, route: change.isText && change.mode !== null && change.size <= INLINE_MAX_BYTES ? 'inline' : 'blob' };
  });
}

/**
 * True when the branch already holds every change: the same content and mode at each path, and
 * no entry at each deleted path. Such an edit makes no commit (an empty one would only add noise).
 */
export function changesNothing(changes: PlannedChange[], parent: Map<string, TreeFact>): boolean {
  return planChanges(changes, parent, new Set()).every(({ route }) => route === 'unchanged');
}

/**
 * GitHub documents 100,000 entries and 7 MB as the most a tree read returns
 * (https://docs.github.com/rest/git/trees#get-a-tree) and no figure for writes; each create-tree
 * request stays within the same bounds, and a larger change is written as a chain of trees, each
 * on the previous one as its `base_tree`.
 */
export const TREE_REQUEST_MAX_BYTES = 7 * 1000 * 1000;
export const TREE_REQUEST_MAX_ENTRIES = 100_000;

/** Splits tree entries into requests that each stay under the size and entry limits. */
export function chunkTreeEntries(entries: TreeRequestEntry[], limits: { maxBytes?: number; maxEntries?: number } = {}): TreeRequestEntry[][] {
  const { maxBytes = TREE_REQUEST_MAX_BYTES, maxEntries = TREE_REQUEST_MAX_ENTRIES } = limits;
  const chunks: TreeRequestEntry[][] = [];
  let chunk: TreeRequestEntry[] = [];
  // `{"base_tree":"<40>","tree":[...]}` around the entries.
  const envelope = 70;
  let bytes = envelope;
  for (const entry of entries) {
    const size = Buffer.byteLength(JSON.stringify(entry), 'utf8') + 1;
    if (chunk.length > 0 && (bytes + size > maxBytes || chunk.length >= maxEntries)) {
      chunks.push(chunk);
      chunk = [];
      bytes = envelope;
    }
    chunk.push(entry);
    bytes += size;
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}
