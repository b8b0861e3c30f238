import { ApplicationFailure, proxyActivities, uuid4 } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { VerifyInput, VerifyResult } from '../shared/verify.js';
import { bookkeeping, streaming, VERIFY_DEADLINE } from './activity-options.js';
import { describeFailure } from './describe-failure.js';
import { recordErrorCode } from './search-attributes.js';
import { syncStop } from './sync-stop.js';

/**
 * Verify (`verify/<projectId>`), run by the project's writer so it never overlaps a sync: checks
 * that every blob of the current snapshot is stored and hashes to its SHA, and fetches again from
 * GitHub what is missing or corrupt. Its operation (kind `verify`) records the counts, or how it
 * failed — cancelled and past its deadline included, so no verify is left `running`.
 */
export async function verifyProject(input: VerifyInput): Promise<VerifyResult> {
  const { projectId, maximumAttempts = 8, deadlineSeconds } = input;
  const { startVerify, failVerify } = proxyActivities<Activities>(bookkeeping(maximumAttempts));
  const { verifyBlobs } = proxyActivities<Activities>(streaming(maximumAttempts));

  const operationId = uuid4();
  const stop = syncStop(deadlineSeconds ? `${deadlineSeconds} seconds` : VERIFY_DEADLINE);
  try {
    return await stop.run(async () => {
      await startVerify({ projectId, operationId });
      return await verifyBlobs({ projectId, operationId });
    });
  } catch (error) {
    const failure = stop.reason() ?? describeFailure(error);
    recordErrorCode(failure.code);
    try {
      await stop.record(() => failVerify({ operationId, ...failure }));
    } catch {
      // The database is what failed: the workflow's own failure below still carries the code.
    }
    // A failure, not a cancellation, even when cancelled: the writer runs this as a child and
    // takes a cancelled child for its own cancellation.
    throw ApplicationFailure.create({ type: failure.code, message: failure.message, nonRetryable: true, cause: error as Error });
  }
}
