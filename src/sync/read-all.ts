import type { Readable } from 'node:stream';

/** The whole content, or undefined once it passes `expected` bytes (it cannot match its SHA). */
export async function readAll(stream: Readable, expected: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    length += chunk.length;
    if (length > expected) {
      for await (const _ of stream);
      return undefined;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
