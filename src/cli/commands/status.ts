import { setTimeout as sleep } from 'node:timers/promises';
import type { Project, ReposyncClient, SyncStatus } from '@reposync/client';
import { expectOk } from '../api-result.js';
import type { CommandContext } from '../command-context.js';
import { formatBytes, formatSeconds, formatTable, shortSha } from '../format.js';
import { listAllProjects } from '../list-all-projects.js';
import { resolveProject } from '../resolve-project.js';

const WATCH_INTERVAL_MS = 1000;

/** One project's sync status, or a table of every project; --watch prints again whenever it changes. */
export async function status(context: CommandContext, reference: string | undefined, options: { watch?: boolean }): Promise<void> {
  const client = await context.client();
  const project = reference === undefined ? undefined : await resolveProject(client, reference);
  const render = project ? () => renderOne(context, client, project) : () => renderAll(context, client);
  let previous = '';
  for (;;) {
    const text = await render();
    if (text !== previous) context.io.stdout.write(text);
    previous = text;
    if (!options.watch) return;
    await sleep(WATCH_INTERVAL_MS);
  }
}

async function renderOne(context: CommandContext, client: ReposyncClient, project: Project): Promise<string> {
  const sync = expectOk(await client.GET('/api/projects/{id}/sync/status', { params: { path: { id: project.id } } }), `status of ${project.id}`);
  if (context.json) return `${JSON.stringify({ project, sync })}\n`;
  return `${describeStatus(project, sync).join('\n')}\n`;
}

function describeStatus(project: Project, sync: SyncStatus): string[] {
  const lines = [`${project.owner}/${project.repo} (${project.branch ?? project.defaultBranch ?? 'default branch'})  ${project.id}`];
  lines.push(`status: ${sync.status}${sync.phase ? ` (${sync.phase})` : ''}, last synced commit ${shortSha(sync.lastSyncedCommitSha)}${sync.syncCompletedAt ? ` at ${sync.syncCompletedAt}` : ''}`);
  const progress = sync.progress;
  if (progress) {
    lines.push(`progress: ${progress.percent}%, ${progress.filesDone}/${progress.filesTotal} files, ${formatBytes(progress.bytesDone)}/${formatBytes(progress.bytesTotal)}, ETA ${formatSeconds(progress.etaSeconds)}`);
  }
  if (sync.error) lines.push(`error: ${sync.error.code}: ${sync.error.message}`);
  const outbound = sync.lastOutbound;
  if (outbound) lines.push(`last edit: ${outbound.status}${outbound.error ? ` (${outbound.error.code}: ${outbound.error.message})` : ''}, operation ${outbound.operationId}`);
  return lines;
}

async function renderAll(context: CommandContext, client: ReposyncClient): Promise<string> {
  const projects = await listAllProjects(client);
  if (context.json) return `${JSON.stringify(projects)}\n`;
  if (projects.length === 0) return 'no projects: link one with `reposync link owner/repo`\n';
  const rows = projects.map((project) => [
    project.id,
    `${project.owner}/${project.repo}`,
    project.branch ?? project.defaultBranch ?? '-',
    project.sync.status,
    shortSha(project.sync.lastSyncedSha),
    project.sync.error ? `${project.sync.error.code}: ${project.sync.error.message}` : '',
  ]);
  return `${formatTable(['PROJECT', 'REPOSITORY', 'BRANCH', 'STATUS', 'SYNCED', 'ERROR'], rows)}\n`;
}
