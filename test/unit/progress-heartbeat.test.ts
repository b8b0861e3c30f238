import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { heartbeatWhileProgressing, type ProgressHeartbeat } from '../../src/activities/progress-heartbeat.js';

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
