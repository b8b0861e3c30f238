/**
 * Fast, seeded, non-repetitive text: lines of pseudo-words that compress like source text (a few
 * times, never the 1000x of a zip bomb) and contain no NUL, so reposync stores them as text.
 * Every line starts with its file's tag and number, so no two files or lines are alike and
 * content addressing cannot make a generated repository cheaper than its size.
 */

/** xorshift32: a tiny deterministic generator (no need for crypto quality here). */
export function prng(seed: number): () => number {
  let state = seed >>> 0 || 0x9e3779b9;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state;
  };
}

const LETTERS = 'etaoinshrdlcumwfgypbvkjxqz_ETAOINSHRDLCUMWFGYPBVKJXQZ0123456789';
const PUNCTUATION = ['', '', '', '', '.', ',', '(', ')', ';', ' =', ' {', '}', ':', '[0]', '->'];

/**
 * Fragments of words made of random letters (a skewed alphabet, like identifiers) and some
 * punctuation. Text from a tiny alphabet of syllables would make deflate (git archive, in the
 * emulator) three times slower than on real code, and the benchmark would measure that instead.
 */
function buildFragments(count: number): Buffer[] {
  const next = prng(0xc0ffee);
  const words = Array.from({ length: 16_384 }, () => {
    let word = '';
    for (let n = 2 + (next() % 9); n > 0; n -= 1) word += LETTERS[Math.min(next() % 64, next() % 64)];
    return word + PUNCTUATION[next() % PUNCTUATION.length];
  });
  return Array.from({ length: count }, () => {
    const parts: string[] = [];
    for (let n = 3 + (next() % 5); n > 0; n -= 1) parts.push(words[next() % words.length]!);
    return Buffer.from(parts.join(' '), 'latin1');
  });
}

// 512 fragments recur within deflate's 32 KiB window, as identifiers and idioms do in code:
// deflate -6 then runs at about the speed and ratio (4-5x) it has on real source files.
const FRAGMENTS = buildFragments(512);

/** Exactly `size` bytes of text lines for the file `tag`, in chunks of at most `chunkBytes`. */
export function* textChunks(tag: string, size: number, chunkBytes = 1 << 20): Generator<Buffer> {
  const next = prng(hashString(tag));
  let line = 0;
  let left = size;
  while (left > 0) {
    const chunk = Buffer.allocUnsafe(Math.min(chunkBytes, left));
    let at = 0;
    while (at < chunk.length) {
      at += chunk.write(`${tag}:${(line += 1).toString(36)} `, at, 'latin1');
      for (let n = 0; n < 3 && at < chunk.length; n += 1) {
        at += FRAGMENTS[next() % FRAGMENTS.length]!.copy(chunk, at);
        if (at < chunk.length) chunk[at++] = n === 2 ? 0x0a : 0x20;
      }
    }
    left -= chunk.length;
    yield chunk;
  }
}

/** FNV-1a, to seed each file's generator from its path. */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}
