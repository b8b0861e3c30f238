import { continueAsNew, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { METADATA_PHASES, metadataChangedSignal, type MetadataPhaseResult, type MetadataSyncInput, type MetadataSyncResult } from '../shared/metadata-sync.js';
import { streaming } from './activity-options.js';

/**
 * MetadataSync (`metadata/<projectId>`) brings a project's refs, commits, issues, pull requests,
 * comments and releases up to date, one phase after the other. It is a sibling of the project's
 * writer, not a child: it never reads or writes files, so the two cannot race. Every phase
 * stores its rows and advances its cursor together, so a run started after a crash (or the next
 * poll) goes on from the last stored page. Phases are activities with heartbeats between pages:
 * a lost worker is noticed within the heartbeat timeout and the phase resumes on another. A
 * change reported while it runs (a signal) gets one more pass over every phase once this one ends.
 */
export async function metadataSync(input: MetadataSyncInput): Promise<MetadataSyncResult> {
  const { syncMetadataPhase } = proxyActivities<Activities>(streaming(input.maximumAttempts ?? 8));
  let changed = false;
  setHandler(metadataChangedSignal, () => {
    changed = true;
  });
  const order = input.phases ? METADATA_PHASES.filter((phase) => input.phases!.includes(phase)) : METADATA_PHASES;
  const phases: MetadataPhaseResult[] = [];
  for (;;) {
    for (const phase of order) phases.push(await syncMetadataPhase({ projectId: input.projectId, phase }));
    if (!changed) return { phases };
    changed = false;
    if (workflowInfo().continueAsNewSuggested) return continueAsNew<typeof metadataSync>(input);
  }
}
