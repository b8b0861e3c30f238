import type { Readable } from 'node:stream';

/**
 * Pulls exact byte counts out of a stream of chunks, holding at most what one read asks for plus
 * one network chunk: the zip reader's view of the archive as it arrives.
 */
export class ByteReader {
  private buffered: Buffer[] = [];
  private bufferedBytes = 0;
  private readonly source: AsyncIterator<Buffer>;
  private ended = false;
  /** Bytes handed out so far (the offset in the archive). */
  offset = 0;

  constructor(stream: Readable) {
    this.source = (stream as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  }

  /** Up to `n` bytes are buffered, fewer only at the end of the stream. */
  private async fill(n: number): Promise<void> {
    while (this.bufferedBytes < n && !this.ended) {
      const next = await this.source.next();
      if (next.done) {
        this.ended = true;
        break;
      }
      if (next.value.length === 0) continue;
      this.buffered.push(next.value);
      this.bufferedBytes += next.value.length;
    }
  }

  private take(n: number): Buffer {
    const all = this.buffered.length === 1 ? this.buffered[0]! : Buffer.concat(this.buffered, this.bufferedBytes);
    const taken = all.subarray(0, n);
    const rest = all.subarray(n);
    this.buffered = rest.length > 0 ? [rest] : [];
    this.bufferedBytes = rest.length;
    this.offset += n;
    return taken;
  }

  /** Exactly `n` bytes, or fewer at the end of the stream. */
  async read(n: number): Promise<Buffer> {
    await this.fill(n);
    return this.take(Math.min(n, this.bufferedBytes));
  }

  /** Exactly `n` bytes; throws if the stream ends first. */
  async readExact(n: number, what: string): Promise<Buffer> {
    const bytes = await this.read(n);
    if (bytes.length < n) throw new TruncatedArchiveError(`the archive ended inside ${what}`);
    return bytes;
  }

  /** The next `n` bytes as chunks, without holding them all at once. */
  async *chunks(n: number, what: string): AsyncGenerator<Buffer> {
    let remaining = n;
    while (remaining > 0) {
      if (this.bufferedBytes === 0) await this.fill(1);
      if (this.bufferedBytes === 0) throw new TruncatedArchiveError(`the archive ended inside ${what}`);
      const chunk = this.take(Math.min(remaining, this.buffered[0]!.length));
      remaining -= chunk.length;
      yield chunk;
    }
  }

  /** The next available chunk, whatever its size; null at the end of the stream. */
  async next(): Promise<Buffer | null> {
    if (this.bufferedBytes === 0) await this.fill(1);
    if (this.bufferedBytes === 0) return null;
    return this.take(this.buffered[0]!.length);
  }

  /** Gives back bytes taken too early (read past the end of a deflate stream). */
  unshift(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.buffered.unshift(bytes);
    this.bufferedBytes += bytes.length;
    this.offset -= bytes.length;
  }
}

export class TruncatedArchiveError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TruncatedArchiveError';
  }
}
