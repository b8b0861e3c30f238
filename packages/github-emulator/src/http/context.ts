import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import type { Identity } from '../auth/identity.js';
import type { EmulatorCore } from '../core.js';

export interface Context {
  req: IncomingMessage;
  method: string;
  path: string;
  query: URLSearchParams;
  params: Record<string, string>;
  /** Parsed JSON body (undefined when there was none). */
  body: unknown;
  identity: Identity;
  core: EmulatorCore;
  /** The `Accept` header, for media types like `application/vnd.github.sha`. */
  accept: string;
  /** The GitHub docs page of the operation, used as `documentation_url` in error bodies. */
  docs: string;
}

export interface Reply {
  status: number;
  json?: unknown;
  /** A non-JSON body (plain SHA, raw blob). */
  raw?: { body: string | Buffer; contentType: string };
  /** A streamed body (archives); never buffered, never given an ETag. */
  stream?: Readable;
  headers?: Record<string, string>;
}

export type Handler = (ctx: Context) => Promise<Reply>;
