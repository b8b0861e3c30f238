import { ApplicationFailure, proxyActivities, uuid4 } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { VerifyInput, VerifyResult } from '../shared/verify.js';
import { bookkeeping, streaming } from './activity-options.js';
import { describeFailure } from './describe-failure.js';
import { recordErrorCode } from './search-attributes.js';

/**
 * Verify (`verify/<projectId>`), run by the project's writer so it never overlaps a sync: checks
 * that every blob of the current snapshot is stored and hashes to its SHA, and fetches again from
 * GitHub what is missing or corrupt. Its operation (kind `verify`) records the counts.
 */
export async function verifyProject(input: VerifyInput): Promise<VerifyResult> {
  const { projectId, maximumAttempts = 8 } = input;
  const { startVerify, failVerify } = proxyActivities<Activities>(bookkeeping(maximumAttempts));
  const { verifyBlobs } = proxyActivities<Activities>(streaming(maximumAttempts));

  const operationId = uuid4();
  try {
    await startVerify({ projectId, operationId });
    return await verifyBlobs({ projectId, operationId });
  } catch (error) {
    const failure = describeFailure(error);
    recordErrorCode(failure.code);
    try {
      await failVerify({ operationId, ...failure });
    } catch {
      // The database is what failed: the workflow's own failure below still carries the code.
    }
    throw ApplicationFailure.create({ type: failure.code, message: failure.message, nonRetryable: true, cause: error as Error });
  }
}
