import { describe, expect, it } from 'vitest';
import { chooseRoute } from '../../src/outbound/choose-route.js';
import { hasOperationTrailer, withOperationTrailer } from '../../src/outbound/commit-marker.js';
import { findConflicts } from '../../src/outbound/find-conflicts.js';
import type { TreeRequestEntry } from '../../src/github/git-writes.js';
import { changesNothing, chunkTreeEntries, planChanges, type PlannedChange } from '../../src/outbound/tree-plan.js';
import { ChangeValidationError, validateChanges } from '../../src/outbound/validate-changes.js';
import { gitBlobSha } from '../../src/storage/git-blob-hash.js';
import { resolveFilter } from '../../src/sync/file-filter.js';

const filter = resolveFilter({ maxFileBytes: 1000, warnFileBytes: 500 });
const fieldOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    if (error instanceof ChangeValidationError) return error.field;
    throw error;
  }
  throw new Error('no validation error');
};

describe('validateChanges', () => {
  it('names the field of each kind of bad input', () => {
    expect(fieldOf(() => validateChanges([], filter))).toBe('changes');
    for (const path of ['/etc/passwd', 'a/../b', '../b', '.git/config', 'src/.GIT/hooks/x', '', 'a//b', 'a/', './a', `${'x'.repeat(4097)}`]) {
      expect(fieldOf(() => validateChanges([{ path: 'ok.txt', content: 'x' }, { path, content: 'x' }], filter)), path).toBe('changes[1].path');
    }
    expect(fieldOf(() => validateChanges([{ path: 'a.txt', content: 'x' }, { path: 'a.txt', delete: true }], filter))).toBe('changes[1].path');
    expect(fieldOf(() => validateChanges([{ path: 'a.bin', content: 'not base64!', encoding: 'base64' }], filter))).toBe('changes[0].content');
    expect(fieldOf(() => validateChanges([{ path: 'big.txt', content: 'x'.repeat(1001) }], filter))).toBe('changes[0].content');
    expect(fieldOf(() => validateChanges([{ path: 'a.txt' }], filter))).toBe('changes[0].content');
    expect(fieldOf(() => validateChanges([{ path: 'a', content: 'x' }, { path: 'a/b', content: 'y' }], filter))).toBe('changes[1].path');
  });

  it('accepts a large file with a warning, and hashes content as git does', () => {
    const [change] = validateChanges([{ path: 'docs/big.md', content: 'y'.repeat(600) }], filter);
    expect(change).toMatchObject({ delete: false, isText: true, editable: true, sha: gitBlobSha('y'.repeat(600)) });
    expect(change && !change.delete && change.warning).toMatch(/large file/);
  });

  it('flags binary content the way an import would', () => {
    const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3]);
    const [png, blob] = validateChanges(
      [
        { path: 'logo.png', content: bytes.toString('base64'), encoding: 'base64' },
        { path: 'data', content: bytes.toString('base64'), encoding: 'base64' },
      ],
      filter,
    );
    expect(png).toMatchObject({ isText: false, skipReason: 'binary-extension', sha: gitBlobSha(bytes) });
    expect(blob).toMatchObject({ isText: false, skipReason: 'binary-content' });
  });
});

describe('planChanges and chunkTreeEntries', () => {
  const change = (path: string, sha: string | null, extra: Partial<PlannedChange> = {}): PlannedChange => ({ path, sha, mode: sha ? '100644' : null, size: 10, isText: true, ...extra });

  it('skips what the parent already has, references known blobs, inlines text and uploads the rest', () => {
    const parent = new Map([
      ['same.txt', { sha: 'a'.repeat(40), mode: '100644' }],
      ['gone.txt', { sha: 'b'.repeat(40), mode: '100644' }],
      ['script.sh', { sha: 'c'.repeat(40), mode: '100644' }],
    ]);
    const routes = planChanges(
      [
        change('same.txt', 'a'.repeat(40)),
        change('gone.txt', null),
        change('never-there.txt', null),
        change('script.sh', 'c'.repeat(40), { mode: '100755' }),
        change('renamed.txt', 'd'.repeat(40)),
        change('new.txt', 'e'.repeat(40)),
        change('image.bin', 'f'.repeat(40), { isText: false }),
        change('huge.txt', '1'.repeat(40), { size: 2 * 1024 * 1024 }),
      ],
      parent,
      new Set(['d'.repeat(40)]),
    ).map(({ change: c, route }) => [c.path, route]);
    expect(Object.fromEntries(routes)).toEqual({
      'same.txt': 'unchanged',
      'gone.txt': 'delete',
      'never-there.txt': 'unchanged',
      'script.sh': 'reference',
      'renamed.txt': 'reference',
      'new.txt': 'inline',
      'image.bin': 'blob',
      'huge.txt': 'blob',
    });
  });

  it('sees an edit whose contents, modes and deletions the parent already has as changing nothing', () => {
    const parent = new Map([
      ['same.txt', { sha: 'a'.repeat(40), mode: '100644' }],
      ['script.sh', { sha: 'c'.repeat(40), mode: '100755' }],
    ]);
    expect(changesNothing([change('same.txt', 'a'.repeat(40)), change('script.sh', 'c'.repeat(40), { mode: '100755' }), change('never-there.txt', null)], parent)).toBe(true);
    expect(changesNothing([change('same.txt', 'a'.repeat(40)), change('script.sh', 'c'.repeat(40))], parent)).toBe(false);
    expect(changesNothing([change('same.txt', 'b'.repeat(40))], parent)).toBe(false);
    expect(changesNothing([change('same.txt', null)], parent)).toBe(false);
    expect(changesNothing([change('new.txt', 'a'.repeat(40))], parent)).toBe(false);
  });

  it('splits a tree request that would pass the limits, keeping every entry once and in order', () => {
    const entries: TreeRequestEntry[] = Array.from({ length: 1000 }, (_, i) => ({ path: `f/${i}.txt`, mode: '100644', type: 'blob', content: 'x'.repeat(1000) }));
    const chunks = chunkTreeEntries(entries, { maxBytes: 100_000 });
    expect(chunks.length).toBeGreaterThan(9);
    expect(chunks.flat()).toEqual(entries);
    for (const chunk of chunks) expect(Buffer.byteLength(JSON.stringify({ base_tree: 'x'.repeat(40), tree: chunk }))).toBeLessThanOrEqual(100_000);
    expect(chunkTreeEntries(entries, { maxEntries: 300 }).map((chunk) => chunk.length)).toEqual([300, 300, 300, 100]);
    expect(chunkTreeEntries(entries)).toHaveLength(1);
  });
});

describe('findConflicts', () => {
  const fact = (sha: string, mode = '100644') => ({ sha, mode });
  it('reports paths changed on both sides, not remote changes elsewhere or remote agreement', () => {
    const base = new Map([
      ['ours.txt', fact('1'.repeat(40))],
      ['both.txt', fact('2'.repeat(40))],
      ['deleted-both.txt', fact('3'.repeat(40))],
      ['same-edit.txt', fact('4'.repeat(40))],
    ]);
    const head = new Map([
      ['ours.txt', fact('1'.repeat(40))],
      ['both.txt', fact('9'.repeat(40))],
      ['same-edit.txt', fact('5'.repeat(40))],
      ['added-remotely.txt', fact('6'.repeat(40))],
    ]);
    const changes: PlannedChange[] = [
      { path: 'ours.txt', sha: '7'.repeat(40), mode: '100644', size: 1, isText: true },
      { path: 'both.txt', sha: '8'.repeat(40), mode: '100644', size: 1, isText: true },
      { path: 'deleted-both.txt', sha: null, mode: null, size: 0, isText: false },
      { path: 'same-edit.txt', sha: '5'.repeat(40), mode: '100644', size: 1, isText: true },
      { path: 'added-remotely.txt', sha: 'a'.repeat(40), mode: '100644', size: 1, isText: true },
    ];
    expect(findConflicts(changes, base, head)).toEqual(['both.txt', 'added-remotely.txt']);
  });
});

describe('commit marker and route', () => {
  it('finds its own trailer and no other operation’s', () => {
    const message = withOperationTrailer('Edit README\n\nbody\n\n', 'op-1');
    expect(message).toBe('Edit README\n\nbody\n\nReposync-Operation: op-1\n');
    expect(hasOperationTrailer(message, 'op-1')).toBe(true);
    expect(hasOperationTrailer(message, 'op-2')).toBe(false);
    expect(hasOperationTrailer('Reposync-Operation: op-10', 'op-1')).toBe(false);
  });

  it('routes by mode, protection and conflicts', () => {
    expect(chooseRoute('direct_commit', true, false)).toEqual({ kind: 'direct' });
    expect(chooseRoute('direct_commit', false, true)).toEqual({ kind: 'conflict' });
    expect(chooseRoute('protected_pr', false, false)).toEqual({ kind: 'pull-request', reason: 'mode' });
    expect(chooseRoute('hybrid', false, false)).toEqual({ kind: 'direct' });
    expect(chooseRoute('hybrid', true, false)).toEqual({ kind: 'pull-request', reason: 'protected' });
    expect(chooseRoute('hybrid', false, true)).toEqual({ kind: 'pull-request', reason: 'conflict' });
  });
});
