import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { UnsafeArchiveError } from '../../src/sync/archive-limits.js';
import { readZipEntries } from '../../src/sync/zip-entries.js';
import { craftZip } from '../support/craft-zip.js';

async function readAll(zip: Buffer, limits?: Parameters<typeof readZipEntries>[1]) {
  const files: Record<string, string> = {};
  for await (const entry of readZipEntries(Readable.from([zip]), limits)) {
    if (Buffer.isBuffer(entry.body)) {
      files[entry.path] = entry.body.toString();
      continue;
    }
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

  it('reads what git archive writes, byte for byte', async () => {
    const { execFile } = await import('node:child_process');
    const { mkdtemp, writeFile } = await import('node:fs/promises');
    const os = await import('node:os');
    const path = await import('node:path');
    const { promisify } = await import('node:util');
    const run = promisify(execFile);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'zip-git-'));
    const big = Buffer.alloc(3 * 1024 * 1024, 'abcdefghij\n');
    await writeFile(path.join(dir, 'big.txt'), big);
    await writeFile(path.join(dir, 'small.txt'), 'small\n');
    await writeFile(path.join(dir, 'empty'), '');
    const env = { ...process.env, GIT_AUTHOR_NAME: 'a', GIT_AUTHOR_EMAIL: 'a@b', GIT_COMMITTER_NAME: 'a', GIT_COMMITTER_EMAIL: 'a@b' };
    for (const args of [['init', '-q'], ['add', '-A'], ['commit', '-qm', 'x']]) await run('git', args, { cwd: dir, env });
    const { stdout } = await run('git', ['archive', '--format=zip', '--prefix=o-r-1234567/', 'HEAD'], { cwd: dir, encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 });
    const files = await readAll(stdout as unknown as Buffer);
    expect(Object.keys(files).sort()).toEqual(['big.txt', 'empty', 'small.txt']);
    expect(files['big.txt']).toBe(big.toString());
    expect(files['small.txt']).toBe('small\n');
  });

  it('reads entries with data descriptors (sizes unknown up front), as streaming zip writers make them', async () => {
    const zip = await craftZip([['root/', ''], ['root/a.txt', 'alpha '.repeat(1000)], ['root/b.txt', 'beta\n'], ['root/c.txt', '']], { deflate: true, streamed: true });
    expect(zip.readUInt16LE(6) & 0x08).toBe(0x08);
    expect(await readAll(zip)).toEqual({ 'a.txt': 'alpha '.repeat(1000), 'b.txt': 'beta\n', 'c.txt': '' });
  });

  it('refuses a truncated archive', async () => {
    const zip = await craftZip([['root/', ''], ['root/a.txt', 'a'.repeat(5000)]]);
    await expect(readAll(zip.subarray(0, 200))).rejects.toThrow(/ended inside/);
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
