import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createInflateRaw, inflateRawSync } from 'node:zlib';

/**
 * A candidate for a faster zip reader, for comparison only (reposync reads zipballs with
 * src/sync/zip-entries.ts). It walks local file headers straight off the stream, and inflates an
 * entry up to 1 MiB compressed in one synchronous call instead of through a stream per entry —
 * the per-entry stream set-up is what cost the earlier unzipper-based reader its time on many
 * small files. Larger entries stream through zlib. Entries whose sizes follow the data (flag
 * bit 3, zip64) are not handled: git archive writes the sizes first for every blob below
 * core.bigFileThreshold (512 MiB).
 * https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT (4.3.7 local file header)
 */
export async function* readZipFast(archive: Readable): AsyncGenerator<{ path: string; body: Iterable<Buffer> | AsyncIterable<Buffer> }> {
  const reader = new ByteReader(archive[Symbol.asyncIterator]() as AsyncIterator<Buffer>);
  while ((await reader.ensure(4)) && reader.peekUInt32() === 0x04034b50) {
    await reader.ensure(30);
    const header = reader.take(30);
    const flags = header.readUInt16LE(6);
    const method = header.readUInt16LE(8);
    const compressed = header.readUInt32LE(18);
    const nameLength = header.readUInt16LE(26);
    const extraLength = header.readUInt16LE(28);
    await reader.ensure(nameLength + extraLength);
    const path = reader.take(nameLength).toString('utf8');
    reader.take(extraLength);
    if (flags & 0x08 || compressed === 0xffffffff) throw new Error(`${path}: sizes after the data (bit 3 or zip64) are not handled by this candidate`);
    if (method !== 0 && method !== 8) throw new Error(`${path}: compression method ${method}`);
    if (compressed <= 1 << 20) {
      await reader.ensure(compressed);
      const data = reader.take(compressed);
      yield { path, body: [method === 8 ? inflateRawSync(data) : Buffer.from(data)] };
      continue;
    }
    const pieces = Readable.from(reader.pieces(compressed));
    if (method === 0) {
      yield { path, body: pieces };
      continue;
    }
    const inflate = createInflateRaw();
    const done = pipeline(pieces, inflate);
    yield { path, body: inflate };
    await done;
  }
}

/** Buffers just enough of the stream to parse a header or hand out a small entry. */
class ByteReader {
  private chunks: Buffer[] = [];
  private length = 0;
  private ended = false;

  constructor(private readonly source: AsyncIterator<Buffer>) {}

  async ensure(bytes: number): Promise<boolean> {
    while (this.length < bytes && !this.ended) {
      const next = await this.source.next();
      if (next.done) this.ended = true;
      else {
        this.chunks.push(next.value);
        this.length += next.value.length;
      }
    }
    return this.length >= bytes;
  }

  peekUInt32(): number {
    const first = this.chunks[0]!;
    return (first.length >= 4 ? first : Buffer.concat(this.chunks)).readUInt32LE(0);
  }

  take(bytes: number): Buffer {
    if (bytes > this.length) throw new Error('the archive ends inside an entry');
    let first = this.chunks[0] ?? Buffer.alloc(0);
    if (first.length < bytes) {
      first = Buffer.concat(this.chunks);
      this.chunks = [first];
    }
    this.length -= bytes;
    if (first.length === bytes) this.chunks.shift();
    else this.chunks[0] = first.subarray(bytes);
    return first.subarray(0, bytes);
  }

  /** The next `bytes` bytes as they arrive, without gathering them. */
  async *pieces(bytes: number): AsyncGenerator<Buffer> {
    let left = bytes;
    while (left > 0) {
      if (this.length === 0 && !(await this.ensure(1))) throw new Error('the archive ends inside an entry');
      const piece = this.take(Math.min(left, this.chunks[0]!.length));
      left -= piece.length;
      yield piece;
    }
  }
}
