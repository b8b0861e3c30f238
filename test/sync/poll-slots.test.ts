import { describe, expect, it } from 'vitest';
import { POLL_SLOTS, lastDueSlot, nextRoundStart, slotDueOffsetMs } from '../../src/sync/poll-slots.js';

const intervalMs = 60_000;

describe('a project’s place in the poll round', () => {
  it('makes a slot due exactly at its offset, never before', () => {
    for (const slot of [0, 1, 12_345_678, POLL_SLOTS / 2, POLL_SLOTS - 1]) {
      const offset = slotDueOffsetMs(slot, intervalMs);
      expect(offset).toBeGreaterThanOrEqual(0);
      expect(offset).toBeLessThanOrEqual(intervalMs);
      expect(lastDueSlot(offset, intervalMs)).toBeGreaterThanOrEqual(slot);
      if (offset > 0) expect(lastDueSlot(offset - 1, intervalMs)).toBeLessThan(slot);
    }
  });

  it('spreads slots evenly: each tenth of the interval makes a tenth of the slots due', () => {
    for (let tenth = 1; tenth <= 10; tenth++) expect(lastDueSlot((intervalMs * tenth) / 10, intervalMs) + 1).toBeCloseTo((POLL_SLOTS * tenth) / 10, -1);
  });

  it('makes nothing due before the round starts and everything once its interval is over', () => {
    expect(lastDueSlot(-1, intervalMs)).toBe(-1);
    expect(lastDueSlot(intervalMs, intervalMs)).toBe(POLL_SLOTS - 1);
    expect(lastDueSlot(intervalMs * 5, intervalMs)).toBe(POLL_SLOTS - 1);
  });

  it('starts the next round on the beat when a round kept to its interval, at once when it overran', () => {
    const start = new Date('2026-11-30T12:00:00Z');
    const onTime = nextRoundStart(start, intervalMs, new Date(start.getTime() + intervalMs - 10));
    expect(onTime).toEqual({ startsAt: new Date(start.getTime() + intervalMs), overrunMs: 0 });
    // Within the grace (a tenth of the interval, at most 30 s) a round is not late.
    expect(nextRoundStart(start, intervalMs, new Date(start.getTime() + intervalMs + 5_000)).overrunMs).toBe(0);
    const late = new Date(start.getTime() + intervalMs + 42_000);
    expect(nextRoundStart(start, intervalMs, late)).toEqual({ startsAt: late, overrunMs: 42_000 });
  });
});
