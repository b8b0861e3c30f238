import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

/** A git blob's SHA-1 is taken over `blob <size>\0` followed by the content. */
export function gitBlobHasher(size: number): Hash {
  return createHash('sha1').update(`blob ${size}\0`);
}

export function gitBlobSha(content: Buffer | string): string {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  return gitBlobHasher(bytes.length).update(bytes).digest('hex');
}

/** A pass-through that hashes what flows through it as a git blob of the declared size. */
export class GitBlobHashStream extends Transform {
  private readonly hash: Hash;
  bytes = 0;

  constructor(readonly declaredSize: number) {
    super();
    this.hash = gitBlobHasher(declaredSize);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    this.hash.update(chunk);
    callback(null, chunk);
  }

  /** The SHA of what passed; a size other than the declared one can never match the expected SHA. */
  digest(): string {
    return this.bytes === this.declaredSize ? this.hash.digest('hex') : `size-mismatch:${this.bytes}`;
  }
}
