import { setTimeout as sleep } from 'node:timers/promises';
import type { Operation, ReposyncClient } from '@reposync/client';
import { expectOk } from './api-result.js';

const POLL_MS = 500;
const FINISHED = new Set(['succeeded', 'failed', 'cancelled']);

/** Polls an operation until it has succeeded, failed or been cancelled. */
export async function waitForOperation(client: ReposyncClient, projectId: string, operationId: string): Promise<Operation> {
  for (;;) {
    const operation = expectOk(
      await client.GET('/api/projects/{id}/operations/{operationId}', { params: { path: { id: projectId, operationId } } }),
      `operation ${operationId}`,
    );
    if (FINISHED.has(operation.status)) return operation;
    await sleep(POLL_MS);
  }
}
