import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { pipeline, Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Reply } from './context.js';

/** Headers GitHub puts on every REST answer. */
export const COMMON_HEADERS: Record<string, string> = {
  server: 'github.com',
  'x-github-api-version-selected': '2022-11-28',
  'x-github-media-type': 'github.v3; format=json',
  'access-control-allow-origin': '*',
  'access-control-expose-headers':
    'ETag, Link, Location, Retry-After, X-GitHub-OTP, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Used, X-RateLimit-Resource, X-RateLimit-Reset, X-OAuth-Scopes, X-Accepted-OAuth-Scopes, X-Poll-Interval, X-GitHub-Media-Type, X-GitHub-SSO, X-GitHub-Request-Id, Deprecation, Sunset',
  'content-security-policy': "default-src 'none'",
  'referrer-policy': 'origin-when-cross-origin, strict-origin-when-cross-origin',
  'strict-transport-security': 'max-age=31536000; includeSubdomains; preload',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'deny',
  'x-xss-protection': '0',
  vary: 'Accept, Authorization, Cookie, X-GitHub-OTP, Accept-Encoding, Origin',
};

/** Serialises a reply's body (JSON or raw) so it can be hashed for an ETag before sending. */
export function serialise(reply: Reply): { body: Buffer; contentType: string } | null {
  if (reply.raw) return { body: Buffer.isBuffer(reply.raw.body) ? reply.raw.body : Buffer.from(reply.raw.body), contentType: reply.raw.contentType };
  if (reply.json !== undefined) return { body: Buffer.from(JSON.stringify(reply.json)), contentType: 'application/json; charset=utf-8' };
  return null;
}

/** A weak ETag over the body, GitHub's format: https://docs.github.com/rest/using-the-rest-api/best-practices-for-using-the-rest-api#use-conditional-requests-if-appropriate */
export function etagOf(body: Buffer): string {
  return `W/"${createHash('sha256').update(body).digest('hex').slice(0, 64)}"`;
}

/** True when an `If-None-Match` list names the current ETag (weak comparison, as GitHub does). */
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const strip = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => tag.trim() === '*' || strip(tag) === strip(etag));
}

/** What happens to a reply after its first `afterBytes` body bytes: the connection drops, or goes silent. */
export interface ReplyCut {
  afterBytes: number;
  then: 'drop' | 'stall';
}

/**
 * Writes a reply. With a cut, the connection is destroyed after that many body bytes, as a
 * dropped connection would do mid-download, or left open with nothing more sent, as a server
 * that hung would do (the client's own deadline must end it).
 */
export function writeReply(res: ServerResponse, status: number, headers: Record<string, string>, reply: Buffer | Reply['stream'] | null, head: boolean, cut?: ReplyCut, bytesPerSecond?: number): void {
  const body = bytesPerSecond !== undefined && reply ? paced(Buffer.isBuffer(reply) ? Readable.from([reply]) : reply, bytesPerSecond) : reply;
  // The client may have given up while the reply was held or delayed: nobody is left to answer.
  if (res.destroyed) {
    if (body && !Buffer.isBuffer(body)) body.destroy();
    return;
  }
  res.writeHead(status, headers);
  if (head || body === null || body === undefined) {
    if (body && !Buffer.isBuffer(body)) body.destroy();
    res.end();
    return;
  }
  const finish = () => (cut?.then === 'stall' ? undefined : res.destroy());
  if (Buffer.isBuffer(body)) {
    if (cut !== undefined && cut.afterBytes < body.length) {
      res.write(body.subarray(0, cut.afterBytes), finish);
      return;
    }
    res.end(body);
    return;
  }
  if (cut === undefined) {
    // pipeline propagates backpressure from the socket to the source and destroys the source when the client goes away.
    pipeline(body, res, () => undefined);
    return;
  }
  cutStream(body, res, cut.afterBytes, finish);
}

/**
 * The body sent no faster than `bytesPerSecond`, in slices of about a twentieth of a second, as
 * a slow link would deliver it.
 */
function paced(source: Readable, bytesPerSecond: number): Readable {
  if (!(bytesPerSecond > 0)) throw new RangeError(`bytesPerSecond must be a positive number, not ${bytesPerSecond}`);
  const slice = Math.max(1, Math.floor(bytesPerSecond / 20));
  async function* pace(): AsyncIterable<Buffer> {
    const started = Date.now();
    let sent = 0;
    for await (const chunk of source as AsyncIterable<Buffer>) {
      for (let offset = 0; offset < chunk.length; offset += slice) {
        const piece = chunk.subarray(offset, offset + slice);
        sent += piece.length;
        const wait = started + (sent / bytesPerSecond) * 1000 - Date.now();
        if (wait > 0) await sleep(wait);
        yield piece;
      }
    }
  }
  const stream = Readable.from(pace());
  // The client went away: the source is not read any further.
  stream.once('close', () => source.destroy());
  return stream;
}

/** Forwards a stream until `limit` bytes went out, flushes them, then calls `finish`. */
function cutStream(body: Readable, res: ServerResponse, limit: number, finish: () => void): void {
  let sent = 0;
  body.on('data', (chunk: Buffer) => {
    const piece = chunk.subarray(0, limit - sent);
    sent += piece.length;
    if (sent < limit) {
      if (!res.write(piece)) {
        body.pause();
        res.once('drain', () => body.resume());
      }
      return;
    }
    body.destroy();
    res.write(piece, finish);
  });
  body.on('end', () => res.end());
  body.on('error', () => res.destroy());
}
