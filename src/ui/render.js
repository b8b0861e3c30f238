import { formatDuration, shortSha, timeElement } from './format.js';

const RUNNING = new Set(['pending', 'syncing']);
export const isRunning = (status) => RUNNING.has(status);

function cell(content, className) {
  const td = document.createElement('td');
  if (className) td.className = className;
  if (content instanceof Node) td.append(content);
  else td.textContent = content;
  return td;
}

function statusText(status) {
  const span = document.createElement('span');
  span.className = `status-${status}`;
  span.textContent = status;
  return span;
}

/**
 * One row per project, kept across refreshes (keyed by id) so keyboard focus and the progress bar
 * survive new data; only the cells' contents change.
 */
export function renderProjects(tbody, projects, { selectedId, onSelect }) {
  const rows = new Map([...tbody.rows].map((row) => [row.dataset.id, row]));
  const wanted = projects.map((project) => {
    const row = rows.get(project.id) ?? createProjectRow(project, onSelect);
    updateProjectRow(row, project, project.id === selectedId);
    return row;
  });
  tbody.replaceChildren(...wanted);
}

function createProjectRow(project, onSelect) {
  const row = document.createElement('tr');
  row.dataset.id = project.id;
  const name = document.createElement('button');
  name.type = 'button';
  name.className = 'link';
  name.textContent = `${project.owner}/${project.repo}`;
  name.addEventListener('click', () => onSelect(project.id));
  // The bar sits in a box inside the cell: a flex table cell would lose its row's borders.
  const progressBox = document.createElement('div');
  progressBox.className = 'progress idle';
  const bar = document.createElement('progress');
  bar.max = 100;
  bar.setAttribute('aria-label', `Sync progress of ${project.owner}/${project.repo}`);
  const text = document.createElement('span');
  text.className = 'progress-text';
  progressBox.append(bar, text);
  row.append(cell(name), cell(''), cell(''), cell(''), cell(progressBox));
  return row;
}

function updateProjectRow(row, project, selected) {
  const [, branch, status, time, progress] = row.cells;
  row.cells[0].firstChild.setAttribute('aria-current', String(selected));
  // Until the first sync reads it from GitHub, a project that follows the default branch cannot name it.
  branch.textContent = project.branch ?? project.defaultBranch ?? 'default branch';
  status.replaceChildren(statusText(project.sync.status));
  status.title = project.sync.error ? `${project.sync.error.code}: ${project.sync.error.message}` : '';
  time.replaceChildren(timeElement(project.sync.completedAt));
  if (!isRunning(project.sync.status)) setProgress(progress, undefined);
}

/**
 * Shows a running sync's progress (the SSE status body) in a row's progress cell, or hides the bar
 * (keeping its space) when `live` is undefined. Without figures yet the bar is indeterminate.
 */
export function setProgress(progressCell, live) {
  const box = progressCell.querySelector('.progress');
  const bar = box.querySelector('progress');
  const text = box.querySelector('.progress-text');
  box.classList.toggle('idle', live === undefined);
  if (live === undefined) {
    bar.removeAttribute('value');
    text.textContent = '';
    return;
  }
  const figures = live.progress;
  if (!figures || figures.filesTotal === 0) {
    bar.removeAttribute('value');
    text.textContent = live.phase ?? live.status;
    return;
  }
  const percent = Math.min(100, Math.max(0, figures.percent));
  bar.value = percent;
  bar.setAttribute('aria-valuetext', `${Math.floor(percent)}%, ${figures.filesDone} of ${figures.filesTotal} files`);
  text.textContent = `${Math.floor(percent)}% · ${figures.filesDone}/${figures.filesTotal} files`;
}

/** The operations table, newest first, each with a link to its workflow in the Temporal UI. */
export function renderOperations(tbody, operations, settings) {
  tbody.replaceChildren(
    ...operations.map((op) => {
      const row = document.createElement('tr');
      row.dataset.id = op.id;
      const files = `+${op.filesAdded} ~${op.filesModified} −${op.filesRemoved}`;
      const error = op.error ? `${op.error.code}: ${op.error.message}` : '';
      const errorCell = cell(error, op.error ? 'status-failed' : '');
      errorCell.title = error;
      row.append(
        cell(op.kind),
        cell(statusText(op.status)),
        cell(timeElement(op.startedAt)),
        cell(formatDuration(op.durationMs)),
        cell(shortSha(op.afterSha)),
        cell(files),
        errorCell,
        cell(workflowLink(op, settings)),
      );
      return row;
    }),
  );
}

function workflowLink(op, settings) {
  if (!op.workflowId || !settings?.temporalUiUrl) return '—';
  const link = document.createElement('a');
  link.href = `${settings.temporalUiUrl}/namespaces/${encodeURIComponent(settings.namespace)}/workflows/${encodeURIComponent(op.workflowId)}`;
  link.textContent = 'Temporal';
  link.target = '_blank';
  link.rel = 'noopener noreferrer';
  link.setAttribute('aria-label', `${op.kind} workflow ${op.workflowId} in the Temporal UI`);
  return link;
}

/** A running sync's live status (an SSE event's body) shown in its project's row. */
export function showLive(tbody, projectId, live) {
  const row = tbody.querySelector(`tr[data-id="${CSS.escape(projectId)}"]`);
  if (!row) return;
  row.cells[2].replaceChildren(statusText(live.status));
  setProgress(row.cells[4], isRunning(live.status) ? live : undefined);
}
