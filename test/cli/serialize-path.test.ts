import { describe, expect, it } from 'vitest';
import { serializePath } from '../../packages/client/src/serialize-path.js';

describe('the typed client fills path templates', () => {
  it('keeps the slashes of a wildcard file path and encodes each segment', () => {
    expect(serializePath('/api/projects/{id}/files/{*}', { id: 'p1', '*': 'docs/a b#.md' })).toBe('/api/projects/p1/files/docs/a%20b%23.md');
  });

  it('encodes an ordinary parameter whole', () => {
    expect(serializePath('/api/projects/{id}', { id: 'a/b' })).toBe('/api/projects/a%2Fb');
  });
});
