import { ActivityFailure, ApplicationFailure, RetryState, TimeoutFailure, TimeoutType } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { describeFailure } from '../../src/workflows/describe-failure.js';

const activityFailed = (cause: Error, activityType = 'importSnapshot') =>
  new ActivityFailure('activity failed', activityType, '1', RetryState.MAXIMUM_ATTEMPTS_REACHED, 'worker-1', cause);

describe('describeFailure', () => {
  it("keeps the sync's own code and message from an activity's application failure", () => {
    const failure = activityFailed(ApplicationFailure.create({ type: 'too-large', message: 'big.bin is 3 GiB', nonRetryable: true }));
    expect(describeFailure(failure)).toEqual({ code: 'too-large', message: 'big.bin is 3 GiB' });
  });

  it('keeps the code of an application failure raised by the workflow itself', () => {
    expect(describeFailure(ApplicationFailure.create({ type: 'conflict', message: 'a.txt changed' }))).toEqual({ code: 'conflict', message: 'a.txt changed' });
  });

  it('calls a heartbeat timeout a lost worker, naming the activity', () => {
    const described = describeFailure(activityFailed(new TimeoutFailure('heartbeat timeout', undefined, TimeoutType.HEARTBEAT)));
    expect(described.code).toBe('worker-lost');
    expect(described.message).toContain('importSnapshot lost its worker');
  });

  it('calls any other timeout, an unknown failure type or a plain error internal, never leaving the message empty', () => {
    expect(describeFailure(activityFailed(new TimeoutFailure('start-to-close', undefined, TimeoutType.START_TO_CLOSE)))).toEqual({
      code: 'internal',
      message: 'importSnapshot failed: start-to-close',
    });
    expect(describeFailure(activityFailed(ApplicationFailure.create({ type: 'TypeError', message: 'x is undefined' }), 'syncToHead'))).toEqual({
      code: 'internal',
      message: 'syncToHead failed: x is undefined',
    });
    expect(describeFailure(new Error('boom'))).toEqual({ code: 'internal', message: 'boom' });
    expect(describeFailure('a string')).toEqual({ code: 'internal', message: 'a string' });
  });
});
