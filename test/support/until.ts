import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Reads until the value passes `check` and returns it; past `timeoutMs` fails naming `what` and
 * the last value read, so a test that waits in vain says what it saw.
 */
export async function until<T>(read: () => Promise<T>, check: (value: T) => boolean, what: string, timeoutMs = 30_000, stepMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await sleep(stepMs);
  }
}
