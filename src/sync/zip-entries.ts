import { pipeline, Readable, Transform, type TransformCallback } from 'node:stream';
import { createInflateRaw, inflateRawSync } from 'node:zlib';
import { DEFAULT_ARCHIVE_LIMITS, UnsafeArchiveError, type ArchiveLimits } from './archive-limits.js';
import { ByteReader, TruncatedArchiveError } from './byte-reader.js';

export { TruncatedArchiveError };

export interface ZipFileEntry {
  /** Path inside the repository: the archive's root folder stripped, checked for traversal. */
  path: string;
  /**
   * The inflated bytes, counted against the archive's limits: whole for small entries (inflated
   * in one native call, no stream set-up per file), a stream for the others.
   */
  body: Readable | Buffer;
  /** Reads and discards the rest of the body (it must be consumed before the next entry). */
  drain(): Promise<void>;
}

// https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT, sections 4.3.7 (local file header),
// 4.3.9 (data descriptor), 4.5.3 (Zip64 extended information).
const LOCAL_FILE_HEADER = 0x04034b50;
const CENTRAL_DIRECTORY_HEADER = 0x02014b50;
const DATA_DESCRIPTOR = 0x08074b50;
const FLAG_ENCRYPTED = 0x0001;
const FLAG_DATA_DESCRIPTOR = 0x0008;
const STORED = 0;
const DEFLATED = 8;
const ZIP64_EXTRA = 0x0001;
/** Entries this small (compressed; and four times that inflated) are inflated in one native call; larger ones stream. */
const INFLATE_IN_ONE_CALL_MAX = 1024 * 1024;

/**
 * The file entries of a GitHub zipball, one at a time, straight from the network stream: only
 * the entry being read is held. Every archive from GitHub is hostile until checked: names must
 * stay inside the single root folder (`<owner>-<repo>-<sha7>/`, stripped without parsing it),
 * encrypted and unknown compression methods are refused, and inflated sizes are capped.
 *
 * Our own reader of local headers over Node's native zlib, rather than unzipper: on a
 * 20,000-entry zipball unzipper read about 1,200 entries/s, the bottleneck of a whole import
 * (see bench/ and the issue note); this reader does the same archive many times faster.
 */
export async function* readZipEntries(archive: Readable, limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS): AsyncGenerator<ZipFileEntry> {
  const reader = new ByteReader(archive);
  let root: string | undefined;
  let totalInflated = 0;
  const countInflated = (path: string, compressedSize: number) => {
    let inflated = 0;
    return new Transform({
      transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
        inflated += chunk.length;
        totalInflated += chunk.length;
        if (totalInflated > limits.maxTotalBytes) return callback(new UnsafeArchiveError(`the archive inflates past the ${limits.maxTotalBytes}-byte limit`));
        if (inflated > limits.ratioCheckAfterBytes && compressedSize > 0 && inflated / compressedSize > limits.maxCompressionRatio) {
          return callback(new UnsafeArchiveError(`${path} inflates more than ${limits.maxCompressionRatio}x its compressed size`));
        }
        callback(null, chunk);
      },
    });
  };

  try {
    for (;;) {
      const signatureBytes = await reader.read(4);
      if (signatureBytes.length < 4) throw new TruncatedArchiveError('the archive ended before its central directory');
      const signature = signatureBytes.readUInt32LE(0);
      if (signature === CENTRAL_DIRECTORY_HEADER) return;
      if (signature !== LOCAL_FILE_HEADER) throw new UnsafeArchiveError(`unexpected zip record 0x${signature.toString(16)} at offset ${reader.offset - 4}`);

      const header = await reader.readExact(26, 'a local file header');
      const flags = header.readUInt16LE(2);
      const method = header.readUInt16LE(4);
      let compressedSize = header.readUInt32LE(14);
      let uncompressedSize = header.readUInt32LE(18);
      const nameBytes = await reader.readExact(header.readUInt16LE(22), 'an entry name');
      const extra = await reader.readExact(header.readUInt16LE(24), 'an extra field');
      const name = nameBytes.toString('utf8');
      if (compressedSize === 0xffffffff || uncompressedSize === 0xffffffff) ({ compressedSize, uncompressedSize } = zip64Sizes(extra, compressedSize, uncompressedSize));
      if (flags & FLAG_ENCRYPTED) throw new UnsafeArchiveError(`archive entry "${name}" is encrypted`);
      if (method !== STORED && method !== DEFLATED) throw new UnsafeArchiveError(`archive entry "${name}" uses unsupported compression method ${method}`);
      const streamed = (flags & FLAG_DATA_DESCRIPTOR) !== 0;
      if (streamed && method === STORED) throw new UnsafeArchiveError(`archive entry "${name}" is stored with a data descriptor: its length cannot be known`);

      if (root === undefined) root = rootFolderOf(name);
      const path = repositoryPath(name, root);
      const isDirectory = name.endsWith('/') || path === '';

      if (!streamed && compressedSize <= INFLATE_IN_ONE_CALL_MAX && uncompressedSize <= INFLATE_IN_ONE_CALL_MAX * 4) {
        const raw = await reader.readExact(compressedSize, `entry "${name}"`);
        if (isDirectory) continue;
        const overTotal = () => new UnsafeArchiveError(`the archive inflates past the ${limits.maxTotalBytes}-byte limit`);
        if (totalInflated + uncompressedSize > limits.maxTotalBytes) throw overTotal();
        const content = method === STORED ? raw : inflateSmall(raw, name, uncompressedSize + 1);
        totalInflated += content.length;
        if (totalInflated > limits.maxTotalBytes) throw overTotal();
        if (content.length > limits.ratioCheckAfterBytes && content.length / Math.max(compressedSize, 1) > limits.maxCompressionRatio) {
          throw new UnsafeArchiveError(`${path} inflates more than ${limits.maxCompressionRatio}x its compressed size`);
        }
        yield { path, body: content, drain: async () => {} };
        continue;
      }

      const compressed = streamed ? inflateToStreamEnd(reader, name) : reader.chunks(compressedSize, `entry "${name}"`);
      const content: AsyncIterable<Buffer> = method === STORED || streamed ? compressed : inflateStreaming(compressed);
      // pipeline, not pipe: a failure anywhere (a cut archive, bad deflate data) must reach the body.
      const body = pipeline(Readable.from(content, { objectMode: false }), countInflated(path, compressedSize), () => {});
      const finished = new Promise<void>((resolve, reject) => body.once('end', resolve).once('error', reject));
      // Errors reach whoever reads the body; an unread body is drained below.
      finished.catch(() => {});
      if (isDirectory) {
        body.resume();
        await finished;
      } else {
        yield {
          path,
          body,
          drain: () => {
            body.resume();
            return finished;
          },
        };
        if (!body.readableEnded) body.resume();
        await finished;
      }
      if (streamed) await skipDataDescriptor(reader);
    }
  } finally {
    archive.destroy();
  }
}

/**
 * Inflates a small entry in one native call. The output is capped just past the size its header
 * declares: more than that cannot match the tree anyway, and a bomb stops at the cap.
 */
function inflateSmall(compressed: Buffer, name: string, maxOutputLength: number): Buffer {
  try {
    return inflateRawSync(compressed, { maxOutputLength });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new UnsafeArchiveError(`archive entry "${name}" inflates past the size it declares`);
    }
    throw new UnsafeArchiveError(`archive entry "${name}" does not inflate: ${(error as Error).message}`);
  }
}

async function* inflateStreaming(compressed: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  yield* pipeline(Readable.from(compressed), createInflateRaw(), () => {}) as AsyncIterable<Buffer>;
}

/**
 * Inflates a deflate stream of unknown length (an entry with a data descriptor): zlib stops at
 * the end of the stream and reports how much input it consumed; what it did not is given back.
 */
async function* inflateToStreamEnd(reader: ByteReader, name: string): AsyncGenerator<Buffer> {
  const inflate = createInflateRaw();
  const output: Buffer[] = [];
  let ended = false;
  let failure: Error | undefined;
  inflate.on('data', (chunk: Buffer) => output.push(chunk));
  inflate.on('end', () => (ended = true));
  inflate.on('error', (error: Error) => (failure = error));
  let written = 0;
  while (!ended) {
    const chunk = await reader.next();
    if (!chunk) throw new TruncatedArchiveError(`the archive ended inside entry "${name}"`);
    await new Promise<void>((resolve) => inflate.write(chunk, () => resolve()));
    written += chunk.length;
    await new Promise((resolve) => setImmediate(resolve));
    if (failure) throw new UnsafeArchiveError(`archive entry "${name}" does not inflate: ${failure.message}`);
    while (output.length > 0) yield output.shift()!;
    const unconsumed = written - inflate.bytesWritten;
    if (unconsumed > 0) {
      reader.unshift(chunk.subarray(chunk.length - unconsumed));
      break;
    }
  }
  inflate.destroy();
  while (output.length > 0) yield output.shift()!;
}

/** Skips the data descriptor after a streamed entry: optional signature, CRC, then 32- or 64-bit sizes. */
async function skipDataDescriptor(reader: ByteReader): Promise<void> {
  const first = await reader.readExact(4, 'a data descriptor');
  if (first.readUInt32LE(0) !== DATA_DESCRIPTOR) reader.unshift(first);
  await reader.readExact(4 + 8, 'a data descriptor');
  // Zip64 descriptors carry 8-byte sizes: if what follows is not a header, take 8 more bytes.
  const peek = await reader.read(4);
  reader.unshift(peek);
  if (peek.length === 4 && ![LOCAL_FILE_HEADER, CENTRAL_DIRECTORY_HEADER].includes(peek.readUInt32LE(0))) await reader.readExact(8, 'a Zip64 data descriptor');
}

function zip64Sizes(extra: Buffer, compressed: number, uncompressed: number): { compressedSize: number; uncompressedSize: number } {
  for (let offset = 0; offset + 4 <= extra.length; ) {
    const id = extra.readUInt16LE(offset);
    const size = extra.readUInt16LE(offset + 2);
    if (id === ZIP64_EXTRA) {
      let field = offset + 4;
      const next = () => {
        const value = Number(extra.readBigUInt64LE(field));
        field += 8;
        return value;
      };
      const uncompressedSize = uncompressed === 0xffffffff ? next() : uncompressed;
      const compressedSize = compressed === 0xffffffff ? next() : compressed;
      return { compressedSize, uncompressedSize };
    }
    offset += 4 + size;
  }
  throw new UnsafeArchiveError('a Zip64 entry without its extended sizes');
}

function rootFolderOf(name: string): string {
  const slash = name.indexOf('/');
  if (slash <= 0) throw new UnsafeArchiveError(`the archive's first entry "${name}" is not inside a root folder`);
  return name.slice(0, slash + 1);
}

/** Strips the root folder; refuses names that could land outside it once written anywhere. */
export function repositoryPath(name: string, root: string): string {
  if (!name.startsWith(root)) throw new UnsafeArchiveError(`archive entry "${name}" is outside the root folder "${root}"`);
  const path = name.slice(root.length).replace(/\/$/, '');
  if (path === '') return '';
  if (path.includes('\\') || path.includes('\0')) throw new UnsafeArchiveError(`archive entry "${name}" has a backslash or NUL in its name`);
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) throw new UnsafeArchiveError(`archive entry "${name}" is an absolute path`);
  if (path.split('/').some((segment) => segment === '..' || segment === '.' || segment === '')) {
    throw new UnsafeArchiveError(`archive entry "${name}" has a ".." or empty path segment`);
  }
  return path;
}
