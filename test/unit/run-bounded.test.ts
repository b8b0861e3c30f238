import { describe, expect, it } from 'vitest';
import { runBounded } from '../../src/sync/run-bounded.js';

/** A task whose calls stay open until released, recording how many ran at once. */
function heldTasks() {
  const started: number[] = [];
  const releases: Array<() => void> = [];
  let running = 0;
  let most = 0;
  const task = async (item: number) => {
    started.push(item);
    running += 1;
    most = Math.max(most, running);
    await new Promise<void>((resolve) => releases.push(resolve));
    running -= 1;
  };
  return { started, releases, task, most: () => most };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('runBounded', () => {
  it('runs every item, never more than the limit at once, starting the next as one finishes', async () => {
    const { started, releases, task, most } = heldTasks();
    const done = runBounded([1, 2, 3, 4, 5], 2, task);
    await settle();
    expect(started).toEqual([1, 2]);
    releases.shift()!();
    await settle();
    expect(started).toEqual([1, 2, 3]);
    while (started.length < 5 || releases.length > 0) {
      releases.shift()?.();
      await settle();
    }
    await done;
    expect(started).toEqual([1, 2, 3, 4, 5]);
    expect(most()).toBe(2);
  });

  it('rejects with the first failure and starts no further item', async () => {
    const started: number[] = [];
    const done = runBounded([1, 2, 3, 4, 5], 2, async (item) => {
      started.push(item);
      await settle();
      if (item === 1) throw new Error('item 1 failed');
    });
    await expect(done).rejects.toThrow('item 1 failed');
    await settle();
    // Item 2 was already running beside item 1; once item 1 failed, neither lane took another.
    expect(started).toEqual([1, 2]);
  });

  it('runs one at a time when asked for no concurrency, and takes any iterable', async () => {
    const seen: string[] = [];
    await runBounded(new Set(['a', 'b', 'c']), 0, async (item) => void seen.push(item));
    expect(seen).toEqual(['a', 'b', 'c']);
  });
});
