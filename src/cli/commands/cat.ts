import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { expectOk } from '../api-result.js';
import { CliError } from '../cli-error.js';
import type { CommandContext } from '../command-context.js';
import { resolveProject } from '../resolve-project.js';

/** A file of the current snapshot, its raw bytes streamed to stdout. */
export async function cat(context: CommandContext, reference: string, path: string): Promise<void> {
  const client = await context.client();
  const project = await resolveProject(client, reference);
  const filePath = path.replace(/^\/+/, '');
  const result = await client.GET('/api/projects/{id}/files/{*}', { params: { path: { id: project.id, '*': filePath } }, parseAs: 'stream' });
  expectOk(result, `${project.owner}/${project.repo}:${filePath}`);
  const body = result.response.body;
  if (!body) throw new CliError(`${project.owner}/${project.repo}:${filePath}: the API sent no content`);
  await pipeline(Readable.fromWeb(body as NodeReadableStream), context.io.stdout, { end: false });
}
