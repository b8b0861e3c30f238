import type { Readable } from 'node:stream';

/**
 * The first `size` bytes of a stream (fewer if it ends sooner), and the rest of it still unread:
 * enough to tell what a file is before deciding where its bytes go.
 */
export async function readHead(stream: Readable, size: number): Promise<{ head: Buffer; rest: AsyncIterator<Buffer> }> {
  const iterator = (stream as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  const chunks: Buffer[] = [];
  let length = 0;
  while (length < size) {
    const next = await iterator.next();
    if (next.done) break;
    chunks.push(next.value);
    length += next.value.length;
  }
  return { head: Buffer.concat(chunks), rest: iterator };
}
