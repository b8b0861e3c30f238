import { readFile } from 'node:fs/promises';
import type { OutboundChange } from '@reposync/client';
import { expectOk } from '../api-result.js';
import { CliError, usageError } from '../cli-error.js';
import { writeJson, writeLine } from '../cli-io.js';
import type { CommandContext } from '../command-context.js';
import { shortSha } from '../format.js';
import { resolveProject } from '../resolve-project.js';
import { waitForOperation } from '../wait-for-operation.js';

export const EDIT_MODES = ['direct_commit', 'protected_pr', 'hybrid'] as const;

export interface EditOptions {
  message: string;
  delete: string[];
  mode?: (typeof EDIT_MODES)[number];
}

interface OutboundOutcome {
  kind: 'commit' | 'pull-request';
  branch: string;
  commitSha: string;
  noChange?: boolean;
  number?: number;
  url?: string;
}

/** Commits local files (`path=local-file`) and deletions to GitHub, waits, and prints the commit or pull request. */
export async function edit(context: CommandContext, reference: string, assignments: string[], options: EditOptions): Promise<void> {
  if (assignments.length === 0 && options.delete.length === 0) throw usageError('nothing to edit: give <path>=<local file> or --delete <path>');
  const changes: OutboundChange[] = [];
  for (const assignment of assignments) {
    const equals = assignment.indexOf('=');
    if (equals <= 0 || equals === assignment.length - 1) throw usageError(`"${assignment}": expected <path>=<local file>`);
    const [path, file] = [assignment.slice(0, equals), assignment.slice(equals + 1)];
    const content = await readFile(file).catch((error: NodeJS.ErrnoException) => {
      throw usageError(`${file}: cannot read it (${error.code ?? error.message})`);
    });
    // Base64 carries any bytes exactly, text or not.
    changes.push({ path, content: content.toString('base64'), encoding: 'base64' });
  }
  for (const path of options.delete) changes.push({ path, delete: true });

  const client = await context.client();
  const project = await resolveProject(client, reference);
  const body = { message: options.message, changes, ...(options.mode ? { mode: options.mode } : {}) };
  const accepted = expectOk(await client.POST('/api/projects/{id}/outbound', { params: { path: { id: project.id } }, body }), `edit ${project.owner}/${project.repo}`);
  for (const warning of accepted.warnings) writeLine(context.io.stderr, `warning: ${warning}`);

  const operation = await waitForOperation(client, project.id, accepted.operationId);
  const outcome = operation.metadata.result as OutboundOutcome | undefined;
  if (context.json) writeJson(context.io, { operationId: operation.id, status: operation.status, result: outcome ?? null, error: operation.error, conflicts: operation.metadata.conflicts ?? [] });
  if (operation.status !== 'succeeded' || !outcome) {
    const conflicts = Array.isArray(operation.metadata.conflicts) && operation.metadata.conflicts.length ? ` (conflicting paths: ${operation.metadata.conflicts.join(', ')})` : '';
    throw new CliError(`edit of ${project.owner}/${project.repo} failed: ${operation.error ? `${operation.error.code}: ${operation.error.message}` : operation.status}${conflicts}`);
  }
  if (context.json) return;
  if (outcome.kind === 'pull-request') writeLine(context.io.stdout, `opened pull request #${outcome.number}: ${outcome.url} (commit ${shortSha(outcome.commitSha)} on ${outcome.branch})`);
  else if (outcome.noChange) writeLine(context.io.stdout, `nothing to commit: ${project.owner}/${project.repo}@${outcome.branch} already holds these contents (at ${shortSha(outcome.commitSha)})`);
  else writeLine(context.io.stdout, `committed ${outcome.commitSha} to ${project.owner}/${project.repo}@${outcome.branch}`);
}
