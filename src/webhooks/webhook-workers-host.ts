import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Config } from '../config.js';

export interface WebhookWorkersThreadData {
  config: Config;
  logLevel: string;
  /** The inbox was stopped before this thread started: it applies nothing. */
  inboxStopped?: boolean;
}

/** API thread → webhook workers thread. */
export type HostMessage = { type: 'kick' } | { type: 'stop-inbox' } | { type: 'stop' };
/** Webhook workers thread → API thread. */
export type ThreadMessage = { type: 'ready' } | { type: 'inbox-stopped' } | { type: 'stopped' } | { type: 'failed'; message: string };

/** The webhook workers as the API thread sees them when they run in a thread of their own. */
export interface WebhookWorkersHandle {
  inbox: { kick(): void; stop(): Promise<void> };
  /** The thread they run in now, when they run in one of their own. */
  readonly thread?: Worker;
  stop(): Promise<void>;
}

/** How long a stop waits for the thread to close its work before it is terminated (within the API's own 5 s to close). */
const STOP_TIMEOUT_MS = 4_000;
/** How long the thread may take to start before the API gives up on it (within Fastify's 10 s for a plugin). */
const START_TIMEOUT_MS = 8_000;
/** How long after the thread died unexpectedly a new one is started; doubled after each failed start, up to the cap. */
const RESTART_DELAY_MS = 1_000;
const RESTART_DELAY_CAP_MS = 30_000;

const threadEntry = () => {
  // The entry has this module's own extension: .ts when run through tsx, .js once compiled.
  const extension = path.extname(fileURLToPath(import.meta.url));
  return new URL(`./webhook-workers-thread${extension}`, import.meta.url);
};

/**
 * Node options for the thread: inherited (undefined) unless the entry is TypeScript and no loader
 * is set, when the TypeScript loader is added to the parent's.
 */
function threadExecArgv(entry: URL): string[] | undefined {
  const hasLoader = process.execArgv.some((arg) => arg.includes('tsx'));
  return entry.pathname.endsWith('.ts') && !hasLoader ? [...process.execArgv, '--import', 'tsx'] : undefined;
}

/**
 * Starts the webhook workers in a worker thread and resolves once they run; rejects when the
 * thread cannot start them (the caller then runs them in its own thread). A thread that dies
 * afterwards is logged and started again: recorded deliveries wait in the inbox meanwhile.
 */
export async function startWebhookWorkersThread(data: WebhookWorkersThreadData, log: { error(fields: object, message: string): void }): Promise<WebhookWorkersHandle> {
  const entry = threadEntry();
  let stopping = false;
  let inboxStopped = false;
  const exited = new WeakSet<Worker>();
  let current = await launch();
  let kickQueued = false;

  function launch(): Promise<Worker> {
    return new Promise((resolve, reject) => {
      const worker = new Worker(entry, { workerData: { ...data, inboxStopped }, execArgv: threadExecArgv(entry), name: 'webhook-workers' });
      let ready = false;
      const startTimer = setTimeout(() => {
        void worker.terminate();
        reject(new Error(`the webhook workers thread did not start within ${START_TIMEOUT_MS / 1000} s`));
      }, START_TIMEOUT_MS);
      worker.on('message', (message: ThreadMessage) => {
        if (message.type === 'ready') {
          ready = true;
          clearTimeout(startTimer);
          resolve(worker);
        } else if (message.type === 'failed') {
          if (ready) return log.error({ err: message.message }, 'the webhook workers thread failed');
          // Whatever it opened before failing must not keep this process alive.
          void worker.terminate();
          reject(new Error(`the webhook workers thread could not start: ${message.message}`));
        }
      });
      worker.once('error', (error) => {
        if (!ready) reject(error);
        else log.error({ err: error.message }, 'the webhook workers thread failed');
      });
      worker.once('exit', (code) => {
        exited.add(worker);
        clearTimeout(startTimer);
        if (!ready) return reject(new Error(`the webhook workers thread exited with ${code} before it started`));
        if (stopping) return;
        log.error({ code }, 'the webhook workers thread exited; starting another');
        restart(RESTART_DELAY_MS);
      });
    });
  }

  /** Starts another thread after `delayMs`, and keeps trying, each wait twice the last, until one starts. */
  function restart(delayMs: number): void {
    setTimeout(() => {
      if (stopping) return;
      launch().then(
        (worker) => {
          current = worker;
          // Stopped while it was starting: it has nothing to do.
          if (stopping) void worker.terminate();
        },
        (error: Error) => {
          log.error({ err: error.message }, 'could not start the webhook workers thread again; retrying');
          restart(Math.min(delayMs * 2, RESTART_DELAY_CAP_MS));
        },
      );
    }, delayMs).unref();
  }

  /** Sends `message` and resolves when the thread answers `answer` (or is gone). */
  function ask(message: HostMessage, answer: ThreadMessage['type']): Promise<void> {
    const worker = current;
    // A thread already gone (between a death and its replacement) has nothing left to stop.
    if (exited.has(worker)) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => void worker.terminate().then(() => resolve()), STOP_TIMEOUT_MS);
      const done = () => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        resolve();
      };
      const onMessage = (reply: ThreadMessage) => {
        if (reply.type === answer) done();
      };
      worker.on('message', onMessage);
      worker.once('exit', done);
      worker.postMessage(message);
    });
  }

  return {
    inbox: {
      kick() {
        // One message per turn of the event loop however many deliveries were recorded in it.
        if (kickQueued || stopping) return;
        kickQueued = true;
        setImmediate(() => {
          kickQueued = false;
          current.postMessage({ type: 'kick' } satisfies HostMessage);
        });
      },
      stop() {
        inboxStopped = true;
        return ask({ type: 'stop-inbox' }, 'inbox-stopped');
      },
    },
    get thread() {
      return current;
    },
    async stop() {
      stopping = true;
      await ask({ type: 'stop' }, 'stopped');
      // Its work is closed; nothing it might still hold open may keep this process alive.
      await current.terminate();
    },
  };
}
