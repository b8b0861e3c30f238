import { describe, expect, it } from 'vitest';
import type { TreeEntry } from '../../src/github/recursive-tree.js';
import { comparePaths, memoryImportTree, pagesOf } from '../../src/sync/import-tree.js';

const entry = (path: string, size = 1): TreeEntry => ({ path, mode: '100644', type: 'blob', sha: '0'.repeat(40), size });

describe('comparePaths', () => {
  it('orders paths as their UTF-8 bytes do, as git and PostgreSQL\'s "C" collation do', () => {
    const paths = ['a/b', 'a-b', 'a.b', 'a', 'B', 'é', '😀', '\uffff', 'a/b/c', 'ab'];
    const byBytes = [...paths].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    expect([...paths].sort(comparePaths)).toEqual(byBytes);
    // UTF-16 code units would put the emoji (a surrogate pair) before U+FFFF; UTF-8 puts it after.
    expect(comparePaths('😀', '\uffff')).toBeGreaterThan(0);
    expect(comparePaths('a', 'a')).toBe(0);
  });
});

describe('memoryImportTree', () => {
  const tree = memoryImportTree(['c', 'a/x', 'b', 'a-y', 'a/z'].map((path, i) => entry(path, i + 1)));

  it('answers pages in path order, from a path or strictly after it', async () => {
    expect((await tree.page({ limit: 10 })).map((e) => e.path)).toEqual(['a-y', 'a/x', 'a/z', 'b', 'c']);
    expect((await tree.page({ from: 'a/x', limit: 2 })).map((e) => e.path)).toEqual(['a/x', 'a/z']);
    expect((await tree.page({ from: 'a/y', limit: 10 })).map((e) => e.path)).toEqual(['a/z', 'b', 'c']);
    expect((await tree.page({ after: 'a/z', limit: 10 })).map((e) => e.path)).toEqual(['b', 'c']);
    expect(await tree.page({ after: 'c', limit: 10 })).toEqual([]);
    expect(await tree.totals()).toEqual({ files: 5, bytes: 15 });
  });

  it('is walked whole by pagesOf, one page of at most the given size at a time', async () => {
    const pages: string[][] = [];
    for await (const page of pagesOf(tree, 2)) pages.push(page.map((e) => e.path));
    expect(pages).toEqual([['a-y', 'a/x'], ['a/z', 'b'], ['c']]);
  });
});
