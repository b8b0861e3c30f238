import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { UnsafeArchiveError } from '../../src/sync/archive-limits.js';
import { readZipEntries } from '../../src/sync/zip-entries.js';
import { craftZip } from '../support/craft-zip.js';

async function readAll(zip: Buffer, limits?: Parameters<typeof readZipEntries>[1]) {
  const files: Record<string, string> = {};
  for await (const entry of readZipEntries(Readable.from([zip]), limits)) {
    const chunks: Buffer[] = [];
    for await (const chunk of entry.body as AsyncIterable<Buffer>) chunks.push(chunk);
    files[entry.path] = Buffer.concat(chunks).toString();
  }
  return files;
}

describe('readZipEntries', () => {
  it('strips the root folder, whatever it is called, and keeps names byte-exact', async () => {
    const zip = await craftZip([['any-root-name/', ''], ['any-root-name/a b/naïve.txt', 'x'], ['any-root-name/empty', '']]);
    expect(await readAll(zip)).toEqual({ 'a b/naïve.txt': 'x', empty: '' });
  });

  it.each([
    ['a ".." segment', 'root/../escape.txt'],
    ['a nested ".." segment', 'root/a/../../escape.txt'],
    ['an absolute path', '/etc/passwd'],
    ['a name outside the root folder', 'other-root/file.txt'],
    ['a backslash', 'root/..\\escape.txt'],
  ])('refuses an entry with %s', async (_what, name) => {
    const zip = await craftZip([['root/', ''], ['root/ok.txt', 'ok'], [name, 'pwned']]);
    await expect(readAll(zip)).rejects.toBeInstanceOf(UnsafeArchiveError);
  });

  it('stops a zip bomb at the compression-ratio cap', async () => {
    const zip = await craftZip([['root/', ''], ['root/bomb.txt', '\0'.repeat(8 * 1024 * 1024)]], { deflate: true });
    expect(zip.length).toBeLessThan(64 * 1024);
    await expect(readAll(zip, { maxTotalBytes: 1e12, maxCompressionRatio: 100, ratioCheckAfterBytes: 1024 * 1024 })).rejects.toThrow(/inflates more than 100x/);
  });

  it('stops an archive at the total inflated size cap', async () => {
    const zip = await craftZip([['root/', ''], ['root/a.txt', 'a'.repeat(600_000)], ['root/b.txt', 'b'.repeat(600_000)]], { deflate: true });
    await expect(readAll(zip, { maxTotalBytes: 1_000_000, maxCompressionRatio: 1e9, ratioCheckAfterBytes: 1e12 })).rejects.toThrow(/1000000-byte limit/);
  });
});
