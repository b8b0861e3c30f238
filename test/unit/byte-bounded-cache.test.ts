import { describe, expect, it } from 'vitest';
import { ByteBoundedCache } from '../../src/storage/byte-bounded-cache.js';

describe('the byte-bounded cache', () => {
  it('evicts the least recently used entries once their bytes pass the budget', () => {
    const cache = new ByteBoundedCache(10);
    cache.set('a', Buffer.alloc(4));
    cache.set('b', Buffer.alloc(4));
    expect(cache.get('a')).toHaveLength(4);
    cache.set('c', Buffer.alloc(4));
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toHaveLength(4);
    expect(cache.get('c')).toHaveLength(4);
    expect(cache.size).toBe(8);
  });

  it('never keeps an entry larger than the whole budget, nor counts a replaced entry twice', () => {
    const cache = new ByteBoundedCache(10);
    cache.set('huge', Buffer.alloc(11));
    expect(cache.get('huge')).toBeUndefined();
    cache.set('a', Buffer.alloc(6));
    cache.set('a', Buffer.alloc(3));
    expect(cache.size).toBe(3);
    cache.delete('a');
    expect(cache.size).toBe(0);
  });
});
