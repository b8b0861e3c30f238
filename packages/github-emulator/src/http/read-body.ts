import type { IncomingMessage } from 'node:http';
import { HttpError } from './http-error.js';

/** GitHub refuses request bodies it cannot parse with 400 "Problems parsing JSON". */
export async function readJsonBody(req: IncomingMessage, maxBytes = 100 * 1024 * 1024): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new HttpError(413, 'Request body too large');
    chunks.push(chunk);
  }
  if (size === 0) return undefined;
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpError(400, 'Problems parsing JSON', { documentation_url: 'https://docs.github.com/rest' });
  }
}
