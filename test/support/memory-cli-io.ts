import { PassThrough, Readable } from 'node:stream';
import type { CliIo } from '../../src/cli/cli-io.js';

export interface MemoryCliIo extends CliIo {
  out(): string;
  err(): string;
}

/** The CLI's streams in memory: stdout and stderr collected, stdin given; not a terminal. */
export function memoryCliIo(env: Record<string, string | undefined>, stdin = ''): MemoryCliIo {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  return { stdout, stderr, stdin: Readable.from([stdin]), env, out: () => out, err: () => err };
}
