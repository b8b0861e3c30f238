/**
 * Deadlines for every request to GitHub. Without them a connection that stops answering holds
 * an activity — and the project's single writer behind it — until the activity's own timeout,
 * hours away for an import.
 *
 * Two deadlines, because a download may rightly take long while it moves:
 * - `answerMs`: from sending the request until the status line and headers arrive;
 * - `idleMs`: how long one read of the body may wait for bytes from the server. Time the reader
 *   spends elsewhere (uploading what it read, say) does not count, so a slow consumer is never
 *   cut off, only a server that went quiet.
 */
export interface RequestTimeouts {
  answerMs: number;
  idleMs: number;
}

export const DEFAULT_REQUEST_TIMEOUTS: RequestTimeouts = { answerMs: 30_000, idleMs: 60_000 };

/** A request GitHub stopped answering. Carries `ETIMEDOUT`, which callers treat as transient. */
export class RequestTimeoutError extends Error {
  readonly code = 'ETIMEDOUT';
  constructor(message: string) {
    super(message);
    this.name = 'RequestTimeoutError';
  }
}

/** Statuses whose responses never carry a body; a Response built with one would throw. */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/** `fetch` with both deadlines applied; a caller's own abort signal still works alongside them. */
export function timedFetch(timeouts: RequestTimeouts = DEFAULT_REQUEST_TIMEOUTS, underlying: typeof fetch = fetch): typeof fetch {
  const { answerMs, idleMs } = timeouts;
  return async (input, init = {}) => {
    const deadline = new AbortController();
    const signal = init.signal ? AbortSignal.any([init.signal, deadline.signal]) : deadline.signal;
    const what = describeRequest(input, init);
    let timer: NodeJS.Timeout | undefined = setTimeout(() => deadline.abort(new RequestTimeoutError(`${what}: no answer within ${answerMs} ms`)), answerMs);
    let response: Response;
    try {
      response = await underlying(input, { ...init, signal });
    } finally {
      clearTimeout(timer);
    }
    if (!response.body || NULL_BODY_STATUSES.has(response.status)) return response;

    const reader = response.body.getReader();
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        timer = setTimeout(() => deadline.abort(new RequestTimeoutError(`${what}: the body stalled for ${idleMs} ms`)), idleMs);
        try {
          const { done, value } = await reader.read();
          if (done) controller.close();
          else controller.enqueue(value);
        } finally {
          clearTimeout(timer);
        }
      },
      cancel(reason) {
        clearTimeout(timer);
        return reader.cancel(reason);
      },
    });
    const timed = new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
    // Octokit reads the final URL of the response; a constructed Response has none of its own.
    Object.defineProperty(timed, 'url', { value: response.url });
    Object.defineProperty(timed, 'redirected', { value: response.redirected });
    return timed;
  };
}

function describeRequest(input: Parameters<typeof fetch>[0], init: RequestInit): string {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  const method = init.method ?? (typeof input === 'object' && 'method' in input ? input.method : 'GET');
  // Only scheme, host and path: a query string may carry a token (codeload's archive links do).
  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  return `${method.toUpperCase()} ${parsed ? `${parsed.origin}${parsed.pathname}` : 'request'}`;
}
