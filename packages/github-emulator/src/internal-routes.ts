import type { IncomingMessage, ServerResponse } from 'node:http';
import { realpath } from 'node:fs/promises';
import type { EmulatorCore } from './core.js';
import type { RefUpdate } from './types.js';

/** Where the post-receive hook of every served repository reports the refs a push moved. */
export const POST_RECEIVE_PATH = '/_emulator/post-receive';

/**
 * POST /_emulator/post-receive: called by the post-receive hook of a served repository after a
 * `git push` moved refs. Answering only once the webhooks are queued keeps `git push` and the
 * deliveries in order for tests.
 */
export async function handleInternal(core: EmulatorCore, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'POST' || req.url !== POST_RECEIVE_PATH || req.headers['x-emulator-secret'] !== core.secret) {
    res.writeHead(404).end();
    return;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
  const { gitDir, updates } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { gitDir: string; updates: RefUpdate[] };
  const wanted = await realpath(gitDir);
  for (const handle of await core.store.list()) {
    if ((await realpath(handle.gitDir).catch(() => '')) !== wanted) continue;
    await core.refsMoved(handle, updates, handle.owner);
    res.writeHead(204).end();
    return;
  }
  res.writeHead(404).end();
}
