import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { heartbeatWhileProgressing, withHeartbeat, type ProgressHeartbeat } from '../../src/activities/progress-heartbeat.js';

describe('heartbeatWhileProgressing', () => {
  let running: ProgressHeartbeat | undefined;
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => {
    running?.stop();
    vi.useRealTimers();
  });

  function recorder(heartbeatTimeoutMs?: number) {
    const beats: unknown[] = [];
    return { beats, target: { heartbeat: (details?: unknown) => void beats.push(details), info: { heartbeatTimeoutMs } } };
  }

  it('heartbeats on a clock while the work moves, carrying the latest details', () => {
    const { beats, target } = recorder();
    running = heartbeatWhileProgressing(target, { stallMs: 1_000, intervalMs: 20 });
    running.progressed({ filesSaved: 10 });
    vi.advanceTimersByTime(100);
    expect(beats).toEqual(Array(5).fill({ filesSaved: 10 }));
  });

  it('stops heartbeating once nothing progressed for the stall time, and starts again on progress', () => {
    const { beats, target } = recorder();
    running = heartbeatWhileProgressing(target, { stallMs: 100, intervalMs: 20 });
    vi.advanceTimersByTime(300);
    // Ticks at 20, 40, 60 and 80 ms fall inside the stall time; none after.
    expect(beats.length).toBe(4);
    running.progressed();
    vi.advanceTimersByTime(40);
    expect(beats.length).toBe(6);
  });

  it('heartbeats four times per heartbeat timeout, at most every two seconds', () => {
    const short = recorder(200);
    running = heartbeatWhileProgressing(short.target, { stallMs: 10_000 });
    vi.advanceTimersByTime(200);
    expect(short.beats.length).toBe(4);
    running.stop();
    const long = recorder(60_000);
    running = heartbeatWhileProgressing(long.target, { stallMs: 100_000 });
    vi.advanceTimersByTime(10_000);
    expect(long.beats.length).toBe(5);
  });

  it('stops for good when stopped', () => {
    const { beats, target } = recorder();
    running = heartbeatWhileProgressing(target, { stallMs: 1_000, intervalMs: 20 });
    vi.advanceTimersByTime(60);
    running.stop();
    vi.advanceTimersByTime(200);
    expect(beats.length).toBe(3);
  });
});

describe('withHeartbeat', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('heartbeats while the work runs and stops when it returns or throws', async () => {
    const beats: unknown[] = [];
    const target = { heartbeat: (details?: unknown) => void beats.push(details), info: {} };
    const result = await withHeartbeat(target, { stallMs: 1_000, intervalMs: 20 }, async (beat) => {
      beat.progressed('moving');
      await vi.advanceTimersByTimeAsync(60);
      return 'done';
    });
    expect(result).toBe('done');
    expect(beats).toEqual(['moving', 'moving', 'moving']);
    const failed = withHeartbeat(target, { stallMs: 1_000, intervalMs: 20 }, async () => {
      await vi.advanceTimersByTimeAsync(20);
      throw new Error('broken');
    });
    await expect(failed).rejects.toThrow('broken');
    vi.advanceTimersByTime(200);
    expect(beats.length).toBe(4);
  });

  it('never stops heartbeating on its own when the stall time is infinite', async () => {
    let beats = 0;
    const target = { heartbeat: () => void beats++, info: { heartbeatTimeoutMs: 20_000 } };
    await withHeartbeat(target, { stallMs: Number.POSITIVE_INFINITY }, () => vi.advanceTimersByTimeAsync(600_000));
    // Every two seconds for ten minutes, with no progress reported at all.
    expect(beats).toBe(300);
  });
});
