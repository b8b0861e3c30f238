import { fileURLToPath } from 'node:url';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import * as workflows from '../../src/workflows/index.js';
import { previousHistoriesDir, readHistories, type RecordedHistory } from './history-files.js';

/**
 * Replays histories recorded from real runs (npm run record:histories) against the current
 * workflow code: a change that would make a run started by the deployed code take another path
 * — another activity, timer or child, in another order — fails here, before it can fail open
 * runs in production. Such a change belongs behind `patched()`.
 */

/** The scenarios recorded; each must have its history, so none silently goes untested. */
const SCENARIOS = [
  'initial-sync',
  'writer-initial',
  'writer-pushes-coalesced',
  'writer-continue-as-new',
  'outbound-direct',
  'writer-outbound-direct',
  'outbound-pull-request',
  'writer-outbound-pull-request',
  'outbound-conflict',
  'writer-outbound-conflict',
  'verify',
  'writer-verify',
  'poll',
  'metadata-sync',
  'fleet-sync',
  'garbage-collection',
];

let histories: RecordedHistory[];

beforeAll(async () => {
  // Each replay starts and stops a worker, which the SDK logs at INFO; only problems matter here.
  Runtime.install({ logger: new DefaultLogger('WARN') });
  histories = await readHistories();
});

describe('recorded histories', () => {
  it('cover every scenario and every workflow the worker runs', () => {
    expect(histories.map((h) => h.name).sort()).toEqual([...SCENARIOS].sort());
    expect(new Set(histories.map((h) => h.workflowType))).toEqual(new Set(Object.keys(workflows)));
  });

  it('include a writer run that continued as new, one whose pushes coalesced, and a poll that continued as new', () => {
    const last = (name: string) => histories.find((h) => h.name === name)!.history.events!.at(-1)!;
    expect(last('writer-continue-as-new').workflowExecutionContinuedAsNewEventAttributes).toBeTruthy();
    expect(last('poll').workflowExecutionContinuedAsNewEventAttributes).toBeTruthy();
    const coalesced = histories.find((h) => h.name === 'writer-pushes-coalesced')!.history.events!;
    // Pushes wake the writer with the followHead update; those refused while one is pending leave no event.
    const wakes = coalesced.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name === 'followHead');
    const signals = coalesced.filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'push');
    expect(wakes.length + signals.length).toBeGreaterThanOrEqual(1);
    expect(wakes.length + signals.length).toBeLessThanOrEqual(3);
  });

  it("replay the previous release's histories too, so its open runs survive the deploy", async () => {
    const previous = await readHistories(previousHistoriesDir);
    expect(previous.length).toBeGreaterThan(0);
    const bundlePath = inject('workflowBundlePath');
    const options = bundlePath ? { workflowBundle: { codePath: bundlePath } } : { workflowsPath: fileURLToPath(new URL('../../src/workflows/index.ts', import.meta.url)) };
    const failures: string[] = [];
    for await (const result of Worker.runReplayHistories(options, previous.map(({ workflowId, history }) => ({ workflowId, history })))) {
      if (result.error) failures.push(`${result.workflowId}: ${result.error.name}: ${result.error.message}`);
    }
    expect(failures).toEqual([]);
  }, 120_000);

  it('replay against the current workflow code without nondeterminism', async () => {
    const bundlePath = inject('workflowBundlePath');
    const options = bundlePath ? { workflowBundle: { codePath: bundlePath } } : { workflowsPath: fileURLToPath(new URL('../../src/workflows/index.ts', import.meta.url)) };
    const failures: string[] = [];
    let replayed = 0;
    for await (const result of Worker.runReplayHistories(options, histories.map(({ workflowId, history }) => ({ workflowId, history })))) {
      replayed += 1;
      if (result.error) failures.push(`${result.workflowId}: ${result.error.name}: ${result.error.message}`);
    }
    expect(failures).toEqual([]);
    expect(replayed).toBe(SCENARIOS.length);
  }, 120_000);
});
