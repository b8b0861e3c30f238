import { describe, expect, it } from 'vitest';
import { diffTree } from '../../src/activities/incremental-sync.js';
import type { TreeEntry } from '../../src/github/recursive-tree.js';

const blob = (path: string, sha: string, mode = '100644'): TreeEntry => ({ path, sha, mode, type: 'blob', size: 1 });
const row = (path: string, sha: string, mode = '100644') => ({ path, sha, mode });

describe('diffTree', () => {
  it('sorts every path into added, modified, removed or unchanged', () => {
    const change = diffTree(
      [row('same.txt', 'a'), row('edited.txt', 'b'), row('gone.txt', 'c')],
      [blob('same.txt', 'a'), blob('edited.txt', 'b2'), blob('new.txt', 'd')],
    );
    expect(change.added.map((entry) => entry.path)).toEqual(['new.txt']);
    expect(change.modified.map((entry) => entry.path)).toEqual(['edited.txt']);
    expect(change.removed).toEqual(['gone.txt']);
    expect(change.unchanged).toEqual(['same.txt']);
    expect(change.renamed).toEqual([]);
  });

  it('counts a mode change alone (a file made executable, a file turned symlink) as modified', () => {
    const change = diffTree([row('run.sh', 'a'), row('link', 'b')], [blob('run.sh', 'a', '100755'), blob('link', 'b', '120000')]);
    expect(change.modified.map((entry) => entry.path)).toEqual(['run.sh', 'link']);
    expect(change.unchanged).toEqual([]);
  });

  it('reports a removed path whose exact content reappears elsewhere as a rename, and still adds and removes it', () => {
    const change = diffTree([row('docs/old.md', 'same-sha'), row('keep.md', 'k')], [blob('docs/new.md', 'same-sha'), blob('keep.md', 'k')]);
    expect(change.renamed).toEqual([{ from: 'docs/old.md', to: 'docs/new.md' }]);
    expect(change.added.map((entry) => entry.path)).toEqual(['docs/new.md']);
    expect(change.removed).toEqual(['docs/old.md']);
  });

  it('treats an empty snapshot as all added and an empty tree as all removed', () => {
    expect(diffTree([], [blob('a', '1'), blob('b', '2')]).added).toHaveLength(2);
    const emptied = diffTree([row('a', '1'), row('b', '2')], []);
    expect(emptied.removed).toEqual(['a', 'b']);
    expect(emptied.added).toEqual([]);
  });

  it('compares paths exactly: case and Unicode normalisation differences are different files, as in Git', () => {
    const change = diffTree([row('README.md', 'a'), row('caf\u00e9.txt', 'b')], [blob('readme.md', 'a'), blob('cafe\u0301.txt', 'b')]);
    expect(change.added.map((entry) => entry.path)).toEqual(['readme.md', 'cafe\u0301.txt']);
    expect(change.removed).toEqual(['README.md', 'caf\u00e9.txt']);
    expect(change.renamed).toEqual([
      { from: 'README.md', to: 'readme.md' },
      { from: 'caf\u00e9.txt', to: 'cafe\u0301.txt' },
    ]);
  });
});
