/**
 * Each project has a fixed place in every poll round: its slot, a 28-bit hash of its id that the
 * database computes (`projects.poll_slot`). A round of `intervalMs` maps the slots evenly onto
 * its duration, so a project is due at the same offset in every round and the projects' requests
 * are spread evenly over the whole interval, whatever order they were created in.
 */
export const POLL_SLOTS = 2 ** 28;

/** The highest slot due `elapsedMs` into a round: every slot once the round's time is up. */
export function lastDueSlot(elapsedMs: number, intervalMs: number): number {
  if (elapsedMs < 0) return -1;
  if (elapsedMs >= intervalMs) return POLL_SLOTS - 1;
  return Math.floor((elapsedMs * POLL_SLOTS) / intervalMs);
}

/** How far into a round a slot falls due: the first whole millisecond at which lastDueSlot reaches it. */
export function slotDueOffsetMs(slot: number, intervalMs: number): number {
  return Math.ceil((slot * intervalMs) / POLL_SLOTS);
}

/**
 * How late a round may end before it counts as an overrun: the last project is due just before
 * the interval ends and its request takes a moment; a tenth of the interval, at most 30 s.
 */
export function overrunGraceMs(intervalMs: number): number {
  return Math.min(intervalMs / 10, 30_000);
}

/**
 * When the round after one that ended at `finishedAt` starts: on the beat of the interval when
 * the round kept to it; at once when it overran, so a poll that fell behind never owes a backlog
 * of rounds and the next one is again spread over a whole interval.
 */
export function nextRoundStart(roundStartedAt: Date, intervalMs: number, finishedAt: Date): { startsAt: Date; overrunMs: number } {
  const deadline = roundStartedAt.getTime() + intervalMs;
  const overrunMs = Math.max(finishedAt.getTime() - deadline, 0);
  if (overrunMs <= overrunGraceMs(intervalMs)) return { startsAt: new Date(deadline), overrunMs: 0 };
  return { startsAt: finishedAt, overrunMs };
}
