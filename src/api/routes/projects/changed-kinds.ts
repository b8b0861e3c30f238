import { CHANGE_KINDS, type ChangeKind } from '../../../db/repositories/change-marks.js';

/** The kinds whose change mark differs between two reads, in the order of CHANGE_KINDS. */
export function changedKinds(before: Record<ChangeKind, string>, after: Record<ChangeKind, string>): ChangeKind[] {
  return CHANGE_KINDS.filter((kind) => before[kind] !== after[kind]);
}
