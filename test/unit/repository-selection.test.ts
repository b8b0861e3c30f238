import { describe, expect, it } from 'vitest';
import { invalidPattern, listedRepository, namePattern, selects } from '../../src/fleets/repository-selection.js';

const repo = (name: string, extra: { fork?: boolean; archived?: boolean } = {}) => ({ owner: 'acme', repo: name, fork: false, archived: false, ...extra });

describe('fleet repository selection', () => {
  it('matches * and ? against the whole name, ignoring case, and nothing else as a wildcard', () => {
    expect(namePattern('api-*').test('API-gateway')).toBe(true);
    expect(namePattern('api-*').test('my-api-gateway')).toBe(false);
    expect(namePattern('v?').test('v1')).toBe(true);
    expect(namePattern('v?').test('v10')).toBe(false);
    expect(namePattern('a.b').test('axb')).toBe(false);
    expect(namePattern('a.b').test('a.b')).toBe(true);
  });

  it('leaves forks and archived repositories out unless asked, and applies include before exclude', () => {
    const pick = selects({ include: ['svc-*', 'docs'], exclude: ['svc-legacy*'], forks: false, archived: false });
    expect(pick(repo('svc-billing'))).toBe(true);
    expect(pick(repo('docs'))).toBe(true);
    expect(pick(repo('website'))).toBe(false);
    expect(pick(repo('svc-legacy-auth'))).toBe(false);
    expect(pick(repo('svc-fork', { fork: true }))).toBe(false);
    expect(pick(repo('svc-old', { archived: true }))).toBe(false);
    const everything = selects({ include: [], exclude: [], forks: true, archived: true });
    expect(everything(repo('svc-fork', { fork: true, archived: true }))).toBe(true);
  });

  it('reads a listing item only when its names are GitHub names', () => {
    expect(listedRepository({ name: 'ok.repo', owner: { login: 'acme' }, fork: true, archived: 'yes' })).toEqual({ owner: 'acme', repo: 'ok.repo', fork: true, archived: false });
    expect(listedRepository({ name: '../etc', owner: { login: 'acme' } })).toBeNull();
    expect(listedRepository({ name: '..', owner: { login: 'acme' } })).toBeNull();
    expect(listedRepository({ name: 'x', owner: null })).toBeNull();
    expect(listedRepository({ name: 'x', owner: { login: 'a b' } })).toBeNull();
    expect(listedRepository('x')).toBeNull();
  });

  it('names the first pattern that is not a name with wildcards', () => {
    expect(invalidPattern(['svc-*', 'a?c'])).toBeUndefined();
    expect(invalidPattern(['ok', 'bad/pattern', 'x y'])).toBe('bad/pattern');
  });
});
