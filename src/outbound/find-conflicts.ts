import type { PlannedChange, TreeFact } from './tree-plan.js';

/**
 * The changed paths someone else changed too since the edit's base: the path's entry at the head
 * differs from the base's, and not to exactly what we would write (a remote edit identical to
 * ours, or a file both sides deleted, is agreement, not a conflict).
 */
export function findConflicts(changes: PlannedChange[], base: Map<string, TreeFact>, head: Map<string, TreeFact>): string[] {
  const conflicts: string[] = [];
  for (const change of changes) {
    const before = base.get(change.path);
    const now = head.get(change.path);
    if (sameEntry(before, now)) continue;
    const agrees = change.sha === null ? now === undefined : now !== undefined && now.sha === change.sha && (change.mode === null || now.mode === change.mode);
    if (!agrees) conflicts.push(change.path);
  }
  return conflicts;
}

function sameEntry(a: TreeFact | undefined, b: TreeFact | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.sha === b.sha && a.mode === b.mode;
}
