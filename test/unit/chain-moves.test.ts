import { describe, expect, it } from 'vitest';
import { chainMoves } from '../../src/webhooks/branch-move-writer.js';

const sha = (c: string) => c.repeat(40);

describe('chainMoves', () => {
  it('joins pushes that follow one another into one move from the first start to the last head', () => {
    expect(chainMoves([
      { name: 'main', before: sha('a'), after: sha('b') },
      { name: 'main', before: sha('b'), after: sha('c') },
      { name: 'main', before: sha('c'), after: sha('d') },
    ])).toEqual([{ name: 'main', before: sha('a'), after: sha('d') }]);
  });

  it('keeps a push that does not continue the chain apart, in arrival order', () => {
    expect(chainMoves([
      { name: 'main', before: sha('a'), after: sha('b') },
      { name: 'main', before: sha('a'), after: sha('e') },
      { name: 'main', before: sha('b'), after: sha('c') },
    ])).toEqual([
      { name: 'main', before: sha('a'), after: sha('b') },
      { name: 'main', before: sha('a'), after: sha('e') },
      { name: 'main', before: sha('b'), after: sha('c') },
    ]);
  });

  it('never joins across a creation or a deletion', () => {
    const moves = [
      { name: 'topic', before: null, after: sha('a') },
      { name: 'topic', before: null, after: null },
      { name: 'topic', before: null, after: sha('b') },
      { name: 'topic', before: sha('b'), after: sha('c') },
    ];
    expect(chainMoves(moves)).toEqual([moves[0], moves[1], { name: 'topic', before: null, after: sha('c') }]);
  });
});
