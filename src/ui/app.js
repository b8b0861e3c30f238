import { ApiError, getJson, keyStore } from './api.js';
import { renderDurationChart } from './duration-chart.js';
import { followEvents } from './event-stream.js';
import { isRunning, renderOperations, renderProjects, showLive } from './render.js';

/** The list and the selected project's operations are re-read this often; progress streams live. */
const REFRESH_MS = 2000;
const OPERATIONS_SHOWN = 30;

const $ = (id) => document.getElementById(id);
const ui = {
  form: $('key-form'), input: $('api-key'), message: $('key-message'), keySection: $('key-section'),
  connection: $('connection'), forget: $('forget-key'),
  projectsSection: $('projects-section'), projects: $('projects').tBodies[0], empty: $('projects-empty'),
  detail: $('detail-section'), detailHeading: $('detail-heading'), operations: $('operations').tBodies[0], chart: $('duration-chart'),
};

let session;

/** One connected key: its settings, the selected project, the open progress streams, the timer. */
function newSession(key, settings) {
  return { key, settings, selectedId: undefined, streams: new Map(), endedAt: new Map(), timer: undefined, closed: false };
}

async function connect(key) {
  ui.message.textContent = '';
  try {
    // The list doubles as the key check: nothing is stored until the API accepts the key.
    const [list, settings] = await Promise.all([getJson('/api/projects?limit=100', key), getJson('/ui/settings.json', key)]);
    keyStore.set(key);
    session = newSession(key, settings);
    ui.input.value = '';
    ui.keySection.hidden = true;
    ui.projectsSection.hidden = false;
    ui.forget.hidden = false;
    show(list.projects);
    scheduleRefresh(0);
  } catch (error) {
    keyStore.clear();
    ui.message.textContent = error instanceof ApiError && error.status === 401
      ? 'The API refused this key (401 Unauthorized). Check the key and enter it again.'
      : `Could not reach the API: ${error.message}`;
    ui.input.focus();
  }
}

function disconnect(message = '') {
  if (session) {
    session.closed = true;
    clearTimeout(session.timer);
    for (const controller of session.streams.values()) controller.abort();
  }
  session = undefined;
  keyStore.clear();
  ui.keySection.hidden = false;
  ui.projectsSection.hidden = true;
  ui.detail.hidden = true;
  ui.forget.hidden = true;
  ui.connection.textContent = 'Not connected';
  ui.message.textContent = message;
  ui.input.focus();
}

function scheduleRefresh(delayMs = REFRESH_MS) {
  const current = session;
  clearTimeout(current.timer);
  current.timer = setTimeout(() => void refresh(current), delayMs);
}

async function refresh(current) {
  try {
    const list = await getJson('/api/projects?limit=100', current.key);
    if (current.closed) return;
    show(list.projects);
    if (current.selectedId) await showOperations(current);
    ui.connection.textContent = `Connected · updated ${new Date().toLocaleTimeString()}`;
  } catch (error) {
    if (current.closed) return;
    if (error instanceof ApiError && error.status === 401) return disconnect('The API no longer accepts this key (401 Unauthorized). Enter a valid key.');
    ui.connection.textContent = `Connection problem: ${error.message}; retrying`;
  }
  if (!current.closed) scheduleRefresh();
}

function show(projects) {
  const current = session;
  if (!current.selectedId && projects.length > 0) current.selectedId = projects[0].id;
  renderProjects(ui.projects, projects, { selectedId: current.selectedId, onSelect: select });
  ui.empty.hidden = projects.length > 0;
  ui.detail.hidden = !current.selectedId;
  const selected = projects.find((project) => project.id === current.selectedId);
  if (selected) ui.detailHeading.textContent = `Recent operations of ${selected.owner}/${selected.repo}`;
  for (const project of projects) if (isRunning(project.sync.status)) follow(current, project.id);
}

function select(projectId) {
  session.selectedId = projectId;
  scheduleRefresh(0);
}

async function showOperations(current) {
  const { operations } = await getJson(`/api/projects/${encodeURIComponent(current.selectedId)}/operations?limit=${OPERATIONS_SHOWN}`, current.key);
  if (current.closed) return;
  renderOperations(ui.operations, operations, current.settings);
  renderDurationChart(ui.chart, operations);
}

/** Streams a running sync's progress into its row; when the sync ends, the page refreshes at once. */
function follow(current, projectId) {
  // A stream that just ended while the list still says `pending` is not reopened at once: the
  // sync may not have started yet, and the next refresh looks again.
  if (current.streams.has(projectId) || Date.now() - (current.endedAt.get(projectId) ?? 0) < REFRESH_MS) return;
  const controller = new AbortController();
  current.streams.set(projectId, controller);
  followEvents(`/api/projects/${encodeURIComponent(projectId)}/sync/events`, current.key, (name, data) => showLive(ui.projects, projectId, data), controller.signal)
    .catch(() => {})
    .finally(() => {
      current.streams.delete(projectId);
      current.endedAt.set(projectId, Date.now());
      if (!current.closed) scheduleRefresh(0);
    });
}

ui.form.addEventListener('submit', (event) => {
  event.preventDefault();
  const key = ui.input.value.trim();
  if (!key) {
    ui.message.textContent = 'Enter an API key.';
    ui.input.focus();
    return;
  }
  void connect(key);
});
ui.forget.addEventListener('click', () => disconnect());

const saved = keyStore.get();
if (saved) void connect(saved);
else ui.input.focus();
