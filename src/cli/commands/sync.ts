import type { Project, SyncStatus } from '@reposync/client';
import { expectOk } from '../api-result.js';
import { CliError } from '../cli-error.js';
import { writeJson, writeLine } from '../cli-io.js';
import type { CommandContext } from '../command-context.js';
import { phaseLinesDisplay } from '../display/phase-lines-display.js';
import { progressBarDisplay } from '../display/progress-bar-display.js';
import type { SyncDisplay } from '../display/sync-display.js';
import { followSync } from '../follow-sync.js';
import { formatBytes, shortSha } from '../format.js';
import { resolveProject } from '../resolve-project.js';

/** Starts a sync (the initial import with --initial) and follows it until it has synced or failed. */
export async function sync(context: CommandContext, reference: string, options: { initial?: boolean }): Promise<void> {
  const { io } = context;
  const client = await context.client();
  const project = await resolveProject(client, reference);
  const params = { params: { path: { id: project.id } } };
  const asked = options.initial ? await client.POST('/api/projects/{id}/sync/initial', params) : await client.POST('/api/projects/{id}/sync', params);
  expectOk(asked, `start the ${options.initial ? 'initial ' : ''}sync of ${project.owner}/${project.repo}`);
  // The server's clock, so a completion time it reports compares fairly (Date has whole seconds).
  const requestedAt = Date.parse(asked.response.headers.get('date') ?? '') || Date.now() - 1000;

  const display: SyncDisplay | undefined = context.json ? undefined : io.stdout.isTTY ? progressBarDisplay(io) : phaseLinesDisplay(io);
  let last: SyncStatus | undefined;
  const final = await followSync(client, project.id, requestedAt, {
    progress(status) {
      last = status;
      display?.progress(status);
    },
  }).catch((error: unknown) => {
    display?.stop();
    throw error;
  });
  display?.stop(final);

  if (context.json) writeJson(io, { project: { id: project.id, owner: project.owner, repo: project.repo }, ...final });
  else if (final.status === 'synced') writeLine(io.stdout, syncedLine(project, final, last));
  if (final.status !== 'synced') throw new CliError(`sync of ${project.owner}/${project.repo} failed: ${final.error ? `${final.error.code}: ${final.error.message}` : final.status}`);
}

function syncedLine(project: Project, final: SyncStatus, last: SyncStatus | undefined): string {
  const progress = last?.progress;
  const counts = progress ? ` (${progress.filesTotal} files, ${formatBytes(progress.bytesTotal)})` : '';
  return `synced ${project.owner}/${project.repo} at ${shortSha(final.lastSyncedCommitSha)}${counts}`;
}
