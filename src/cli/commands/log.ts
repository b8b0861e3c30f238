import type { Operation } from '@reposync/client';
import { expectOk } from '../api-result.js';
import { writeJson, writeLine } from '../cli-io.js';
import type { CommandContext } from '../command-context.js';
import { formatTable, shortSha } from '../format.js';
import { resolveProject } from '../resolve-project.js';

/** The project's operations log, newest first: syncs and outbound edits with their outcome. */
export async function log(context: CommandContext, reference: string, options: { limit?: string }): Promise<void> {
  const client = await context.client();
  const project = await resolveProject(client, reference);
  const limit = Math.min(100, Math.max(1, Number(options.limit ?? 50) || 50));
  const { operations } = expectOk(
    await client.GET('/api/projects/{id}/operations', { params: { path: { id: project.id }, query: { limit, offset: 0 } } }),
    `operations of ${project.owner}/${project.repo}`,
  );
  if (context.json) return writeJson(context.io, operations);
  if (operations.length === 0) return writeLine(context.io.stdout, 'no operations yet');
  writeLine(context.io.stdout, formatTable(['STARTED', 'KIND', 'STATUS', 'COMMITS', 'FILES +/~/-', 'DURATION', 'RESULT'], operations.map(row)));
}

function row(operation: Operation): string[] {
  return [
    operation.startedAt.replace(/\.\d+Z$/, 'Z'),
    operation.kind,
    operation.status,
    `${shortSha(operation.beforeSha)}..${shortSha(operation.afterSha)}`,
    `${operation.filesAdded}/${operation.filesModified}/${operation.filesRemoved}`,
    operation.durationMs === null ? '-' : `${(operation.durationMs / 1000).toFixed(1)}s`,
    operation.error ? `${operation.error.code}: ${operation.error.message}` : describeResult(operation.metadata.result),
  ];
}

function describeResult(result: unknown): string {
  const outcome = result as { kind?: string; commitSha?: string; url?: string } | undefined;
  if (outcome?.kind === 'pull-request') return `pull request ${outcome.url}`;
  if (outcome?.kind === 'commit') return `commit ${shortSha(outcome.commitSha)}`;
  return '';
}
