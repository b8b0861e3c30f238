import { Readable } from 'node:stream';
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { UnsafeArchiveError } from '../../src/sync/archive-limits.js';
import { readZipEntries, repositoryPath, TruncatedArchiveError } from '../../src/sync/zip-entries.js';

// Archives written byte by byte (https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT,
// 4.3.7 local file header, 4.3.9 data descriptor, 4.5.3 Zip64), so each test controls exactly the
// field it corrupts. The reader reads local headers as the archive streams in and stops at the
// central directory, so only what precedes it matters.

const LOCAL = 0x04034b50;
const CENTRAL = 0x02014b50;

interface LocalRecord {
  name: string;
  /** The bytes as stored after the header (deflated already when `method` is 8). */
  data: Buffer;
  method?: number;
  flags?: number;
  compressedSize?: number;
  uncompressedSize?: number;
  extra?: Buffer;
}

function local({ name, data, method = 0, flags = 0, compressedSize = data.length, uncompressedSize = data.length, extra = Buffer.alloc(0) }: LocalRecord): Buffer {
  const header = Buffer.alloc(30);
  header.writeUInt32LE(LOCAL, 0);
  header.writeUInt16LE(20, 4);
  header.writeUInt16LE(flags, 6);
  header.writeUInt16LE(method, 8);
  header.writeUInt32LE(compressedSize, 18);
  header.writeUInt32LE(uncompressedSize, 22);
  const nameBytes = Buffer.from(name, 'utf8');
  header.writeUInt16LE(nameBytes.length, 26);
  header.writeUInt16LE(extra.length, 28);
  return Buffer.concat([header, nameBytes, extra, data]);
}

const stored = (name: string, content: string | Buffer): Buffer => local({ name, data: Buffer.from(content) });
const deflated = (name: string, content: string, sizes: Partial<LocalRecord> = {}): Buffer => {
  const data = deflateRawSync(content);
  return local({ name, data, method: 8, uncompressedSize: Buffer.byteLength(content), ...sizes });
};
const rootFolder = stored('root/', '');
/** A central directory's first record and some bytes: never parsed, only its signature is seen. */
const centralDirectory = (): Buffer => {
  const record = Buffer.alloc(46);
  record.writeUInt32LE(CENTRAL, 0);
  return record;
};
const archive = (...records: Buffer[]) => Buffer.concat([...records, centralDirectory()]);

/** Zip64's extended information: the 64-bit sizes that replace 0xffffffff in the header. */
function zip64Extra(uncompressed: number, compressed: number): Buffer {
  const extra = Buffer.alloc(20);
  extra.writeUInt16LE(0x0001, 0);
  extra.writeUInt16LE(16, 2);
  extra.writeBigUInt64LE(BigInt(uncompressed), 4);
  extra.writeBigUInt64LE(BigInt(compressed), 12);
  return extra;
}

async function readAll(zip: Buffer, chunkSize = zip.length || 1): Promise<Record<string, string>> {
  const chunks: Buffer[] = [];
  for (let at = 0; at < zip.length; at += chunkSize) chunks.push(zip.subarray(at, at + chunkSize));
  const files: Record<string, string> = {};
  for await (const entry of readZipEntries(Readable.from(chunks))) {
    if (Buffer.isBuffer(entry.body)) {
      files[entry.path] = entry.body.toString('latin1');
      continue;
    }
    const parts: Buffer[] = [];
    for await (const part of entry.body as AsyncIterable<Buffer>) parts.push(part);
    files[entry.path] = Buffer.concat(parts).toString('latin1');
  }
  return files;
}

/** Reading the archive fails with exactly this error. */
async function expectRefusal(zip: Buffer, kind: typeof UnsafeArchiveError | typeof TruncatedArchiveError, message: string) {
  const error: unknown = await readAll(zip).then(
    () => undefined,
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(kind);
  expect((error as Error).message).toBe(message);
}

describe('the zip reader on crafted archives', () => {
  it('reads stored and deflated entries, strips the root folder and skips folders, whatever the chunking', async () => {
    const zip = archive(rootFolder, stored('root/a.txt', 'alpha'), stored('root/dir/', ''), deflated('root/dir/b.txt', 'beta '.repeat(100)));
    const expected = { 'a.txt': 'alpha', 'dir/b.txt': 'beta '.repeat(100) };
    expect(await readAll(zip)).toEqual(expected);
    expect(await readAll(zip, 7)).toEqual(expected);
  });

  describe('truncated', () => {
    const whole = archive(rootFolder, stored('root/a.txt', 'alpha'), stored('root/b.txt', 'bravo'));
    const bAt = rootFolder.length + stored('root/a.txt', 'alpha').length;

    it('inside a local file header', async () => {
      await expectRefusal(whole.subarray(0, bAt + 10), TruncatedArchiveError, 'the archive ended inside a local file header');
    });

    it('inside an entry name', async () => {
      await expectRefusal(whole.subarray(0, bAt + 30 + 4), TruncatedArchiveError, 'the archive ended inside an entry name');
    });

    it("inside an entry's data", async () => {
      await expectRefusal(whole.subarray(0, bAt + 30 + 'root/b.txt'.length + 2), TruncatedArchiveError, 'the archive ended inside entry "root/b.txt"');
    });

    it("inside a large entry's data, which streams: the body fails", async () => {
      const big = stored('root/big.bin', Buffer.alloc(2 * 1024 * 1024, 'x'));
      await expectRefusal(Buffer.concat([rootFolder, big]).subarray(0, rootFolder.length + 1024 * 1024), TruncatedArchiveError, 'the archive ended inside entry "root/big.bin"');
    });

    it('inside a deflate stream of unknown length (an entry with a data descriptor)', async () => {
      const data = deflateRawSync(Buffer.from('some text that deflates '.repeat(50)));
      const entry = local({ name: 'root/a.txt', data, method: 8, flags: 0x08, compressedSize: 0, uncompressedSize: 0 });
      await expectRefusal(Buffer.concat([rootFolder, entry]).subarray(0, rootFolder.length + entry.length - 10), TruncatedArchiveError, 'the archive ended inside entry "root/a.txt"');
    });

    it('after the last entry, before any central directory', async () => {
      await expectRefusal(whole.subarray(0, whole.length - centralDirectory().length), TruncatedArchiveError, 'the archive ended before its central directory');
    });

    it('to nothing at all', async () => {
      await expectRefusal(Buffer.alloc(0), TruncatedArchiveError, 'the archive ended before its central directory');
    });
  });

  describe('the central directory', () => {
    it('is refused when another record stands where it should begin, naming the record and its offset', async () => {
      const entries = Buffer.concat([rootFolder, stored('root/a.txt', 'alpha')]);
      const junk = Buffer.from([0xef, 0xbe, 0xad, 0xde, 0, 0, 0, 0]);
      await expectRefusal(Buffer.concat([entries, junk]), UnsafeArchiveError, `unexpected zip record 0xdeadbeef at offset ${entries.length}`);
    });

    it('is refused when the archive is only an end-of-central-directory record (an empty zip)', async () => {
      const end = Buffer.alloc(22);
      end.writeUInt32LE(0x06054b50, 0);
      await expectRefusal(end, UnsafeArchiveError, 'unexpected zip record 0x6054b50 at offset 0');
    });

    it('is never read: a central directory that is garbage past its signature, or lists other names, changes nothing', async () => {
      const entries = Buffer.concat([rootFolder, stored('root/a.txt', 'alpha')]);
      const lying = Buffer.concat([centralDirectory().subarray(0, 4), Buffer.from('root/../../etc/passwd and other garbage')]);
      expect(await readAll(Buffer.concat([entries, lying]))).toEqual({ 'a.txt': 'alpha' });
    });
  });

  describe('sizes that do not match the data', () => {
    it('refuses the last entry claiming more bytes than the archive holds', async () => {
      const entry = local({ name: 'root/a.txt', data: Buffer.from('alpha'), compressedSize: 5 + 1_000, uncompressedSize: 5 + 1_000 });
      await expectRefusal(archive(rootFolder, entry), TruncatedArchiveError, 'the archive ended inside entry "root/a.txt"');
    });

    it('refuses an entry claiming more bytes than it has when its claim runs into the next entry', async () => {
      // The claim swallows the next header's signature; what follows is no record.
      const first = local({ name: 'root/a.txt', data: Buffer.from('alpha'), compressedSize: 5 + 4, uncompressedSize: 5 + 4 });
      const nextAt = rootFolder.length + first.length;
      await expectRefusal(archive(rootFolder, first, stored('root/b.txt', 'bravo')), UnsafeArchiveError, `unexpected zip record 0x14 at offset ${nextAt + 4}`);
    });

    it('refuses a deflated entry that inflates past the size its header declares', async () => {
      await expectRefusal(archive(rootFolder, deflated('root/a.txt', 'x'.repeat(1_000), { uncompressedSize: 10 })), UnsafeArchiveError, 'archive entry "root/a.txt" inflates past the size it declares');
    });

    it('takes the bytes a deflated entry inflates to when it declares more (the blob hash checks content, not the header)', async () => {
      expect(await readAll(archive(rootFolder, deflated('root/a.txt', 'short', { uncompressedSize: 1_000 })))).toEqual({ 'a.txt': 'short' });
    });

    it('refuses deflate data that does not inflate', async () => {
      const entry = local({ name: 'root/a.txt', data: Buffer.from([0xff, 0xff, 0xff, 0xff]), method: 8, uncompressedSize: 4 });
      await expectRefusal(archive(rootFolder, entry), UnsafeArchiveError, 'archive entry "root/a.txt" does not inflate: invalid block type');
    });
  });

  describe('Zip64', () => {
    it('reads sizes from the Zip64 extended information when the header holds 0xffffffff', async () => {
      const data = deflateRawSync('zip64 content');
      const entry = local({ name: 'root/a.txt', data, method: 8, compressedSize: 0xffffffff, uncompressedSize: 0xffffffff, extra: zip64Extra(13, data.length) });
      expect(await readAll(archive(rootFolder, entry))).toEqual({ 'a.txt': 'zip64 content' });
    });

    it('finds the Zip64 field behind other extra fields', async () => {
      const timestamp = Buffer.from([0x55, 0x54, 5, 0, 1, 0, 0, 0, 0]);
      const entry = local({ name: 'root/a.txt', data: Buffer.from('abc'), compressedSize: 0xffffffff, uncompressedSize: 0xffffffff, extra: Buffer.concat([timestamp, zip64Extra(3, 3)]) });
      expect(await readAll(archive(rootFolder, entry))).toEqual({ 'a.txt': 'abc' });
    });

    it('refuses a header of 0xffffffff sizes without the Zip64 field', async () => {
      const entry = local({ name: 'root/a.txt', data: Buffer.from('abc'), compressedSize: 0xffffffff, uncompressedSize: 0xffffffff });
      await expectRefusal(archive(rootFolder, entry), UnsafeArchiveError, 'a Zip64 entry without its extended sizes');
    });

    it('skips a Zip64 data descriptor (64-bit sizes) and reads the next entry', async () => {
      const content = 'streamed '.repeat(20);
      const data = deflateRawSync(content);
      const descriptor = Buffer.alloc(24);
      descriptor.writeUInt32LE(0x08074b50, 0);
      descriptor.writeBigUInt64LE(BigInt(data.length), 8);
      descriptor.writeBigUInt64LE(BigInt(content.length), 16);
      const entry = Buffer.concat([local({ name: 'root/a.txt', data, method: 8, flags: 0x08, compressedSize: 0, uncompressedSize: 0 }), descriptor]);
      expect(await readAll(archive(rootFolder, entry, stored('root/b.txt', 'bravo')))).toEqual({ 'a.txt': content, 'b.txt': 'bravo' });
    });
  });

  describe('entries it will not read', () => {
    it('refuses an encrypted entry', async () => {
      await expectRefusal(archive(rootFolder, local({ name: 'root/a.txt', data: Buffer.from('x'), flags: 0x01 })), UnsafeArchiveError, 'archive entry "root/a.txt" is encrypted');
    });

    it('refuses a compression method other than stored and deflated', async () => {
      await expectRefusal(archive(rootFolder, local({ name: 'root/a.txt', data: Buffer.from('x'), method: 12 })), UnsafeArchiveError, 'archive entry "root/a.txt" uses unsupported compression method 12');
    });

    it('refuses a stored entry whose length only a data descriptor would give', async () => {
      await expectRefusal(
        archive(rootFolder, local({ name: 'root/a.txt', data: Buffer.from('x'), flags: 0x08, compressedSize: 0, uncompressedSize: 0 })),
        UnsafeArchiveError,
        'archive entry "root/a.txt" is stored with a data descriptor: its length cannot be known',
      );
    });
  });

  describe('names', () => {
    it.each([
      ['a ".." segment', 'root/../x', 'archive entry "root/../x" has a ".." or empty path segment'],
      ['a "." segment', 'root/a/./b', 'archive entry "root/a/./b" has a ".." or empty path segment'],
      ['an empty segment', 'root/a//b', 'archive entry "root/a//b" has a ".." or empty path segment'],
      ['an absolute path under the root', 'root//etc/passwd', 'archive entry "root//etc/passwd" is an absolute path'],
      ['a drive letter', 'root/C:/Windows/win.ini', 'archive entry "root/C:/Windows/win.ini" is an absolute path'],
      ['a backslash', 'root/a\\..\\..\\x', 'archive entry "root/a\\..\\..\\x" has a backslash or NUL in its name'],
      ['a NUL', 'root/a\0.txt', 'archive entry "root/a\0.txt" has a backslash or NUL in its name'],
      ['another root folder', 'other/x', 'archive entry "other/x" is outside the root folder "root/"'],
    ])('refuses an entry with %s', async (_what, name, message) => {
      expect(() => repositoryPath(name, 'root/')).toThrow(new UnsafeArchiveError(message));
      await expectRefusal(archive(rootFolder, stored('root/ok.txt', 'ok'), stored(name, 'pwned')), UnsafeArchiveError, message);
    });

    it.each([
      ['an absolute path', '/etc/passwd'],
      ['a name with no folder', 'passwd'],
    ])('refuses a first entry with %s, as it names no root folder', async (_what, name) => {
      await expectRefusal(archive(stored(name, 'pwned')), UnsafeArchiveError, `the archive's first entry "${name}" is not inside a root folder`);
    });

    it('takes a first entry named ../x as the root folder "../", which is stripped, so nothing lands outside', async () => {
      expect(await readAll(archive(stored('../x', 'x'), stored('../y/z', 'z')))).toEqual({ x: 'x', 'y/z': 'z' });
      await expectRefusal(archive(stored('../x', 'x'), stored('root/y', 'y')), UnsafeArchiveError, 'archive entry "root/y" is outside the root folder "../"');
    });
  });
});
