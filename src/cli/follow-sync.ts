import { setTimeout as sleep } from 'node:timers/promises';
import { readServerSentEvents, type ReposyncClient, type SyncStatus } from '@reposync/client';
import { expectOk } from './api-result.js';
import { CliError } from './cli-error.js';

export interface SyncObserver {
  progress(status: SyncStatus): void;
}

const RECONNECT_MS = 500;
/** A sync that never shows as running this long after it was asked for is judged by the project's status then. */
const START_GRACE_MS = 30_000;

/**
 * Follows a project's sync on the SSE stream until it has synced or failed. The stream ends with
 * `done` whenever no sync runs — also in the moment between asking and the workflow starting, and
 * then it carries the previous sync's outcome — so `done` counts only once this sync was seen
 * running, or completed after it was asked for; otherwise the stream is opened again.
 */
export async function followSync(client: ReposyncClient, projectId: string, requestedAt: number, observer: SyncObserver): Promise<SyncStatus> {
  let seenRunning = false;
  for (;;) {
    const result = await client.GET('/api/projects/{id}/sync/events', { params: { path: { id: projectId } }, parseAs: 'stream' });
    expectOk(result, `follow the sync of ${projectId}`);
    const body = result.response.body;
    if (!body) throw new CliError(`follow the sync of ${projectId}: the API sent no event stream`);
    for await (const { event, data } of readServerSentEvents(body)) {
      const status = JSON.parse(data) as SyncStatus;
      if (event === 'progress') {
        seenRunning = true;
        observer.progress(status);
      } else if (event === 'done') {
        const ended = status.status === 'synced' || status.status === 'failed' || status.status === 'cancelled';
        const completedAt = status.syncCompletedAt ? Date.parse(status.syncCompletedAt) : 0;
        if (ended && (seenRunning || completedAt >= requestedAt || Date.now() - requestedAt > START_GRACE_MS)) return status;
      }
    }
    await sleep(RECONNECT_MS);
  }
}
