import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { startDrainLoop } from '../../src/webhooks/drain-loop.js';

const quiet = (warnings: string[] = []) => ({ warn: (_fields: object, message: string) => void warnings.push(message) });

describe('startDrainLoop', () => {
  it('runs one more round when kicked during a drain, never two rounds at once', async () => {
    let running = 0;
    let overlapped = false;
    let rounds = 0;
    const loop = startDrainLoop({
      intervalMs: 60_000,
      log: quiet(),
      failureMessage: 'failed',
      drainOnce: async () => {
        running += 1;
        overlapped ||= running > 1;
        rounds += 1;
        await sleep(50);
        running -= 1;
        return false;
      },
    });
    await sleep(10); // the first round is under way
    loop.kick();
    loop.kick();
    await sleep(200);
    await loop.stop();
    expect(overlapped).toBe(false);
    // The first round, then exactly one more for the kicks that arrived during it.
    expect(rounds).toBe(2);
  });

  it('logs a failed round and tries again at the next tick', async () => {
    const warnings: string[] = [];
    let calls = 0;
    const loop = startDrainLoop({
      intervalMs: 30,
      log: quiet(warnings),
      failureMessage: 'the round failed',
      drainOnce: async () => {
        calls += 1;
        if (calls === 1) throw new Error('database gone');
        return false;
      },
    });
    await sleep(120);
    await loop.stop();
    expect(warnings[0]).toBe('the round failed');
    expect(calls).toBeGreaterThanOrEqual(2);
  });

  it('keeps going while a round reports more work, and stops when asked', async () => {
    let rounds = 0;
    const loop = startDrainLoop({ intervalMs: 60_000, log: quiet(), failureMessage: 'failed', drainOnce: async () => (rounds += 1) < 3 });
    await sleep(50);
    expect(rounds).toBe(3);
    await loop.stop();
    expect(loop.stopped).toBe(true);
    loop.kick();
    await sleep(20);
    expect(rounds).toBe(3);
  });
});
