/**
 * Push → snapshot benchmark: a real `git push` of a one-file change to a
 * repository of the GitHub emulator whose webhook points at the API (a process of its own on
 * loopback), timed until GET /api/projects/:id reports the new commit as synced; then the GitHub
 * requests one push of k small files costs the worker (target: at most k + 3). PostgreSQL,
 * SeaweedFS, Temporal and a worker process are real; everything stops itself.
 *
 *   node --import tsx bench/push-to-snapshot.ts [--pushes 20] [--gap-ms 3000] [--files 1000] [--k 1,10,40]
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { ApiClient, type OperationView } from './lib/api-client.js';
import { freePort, startApiProcess } from './lib/api-process.js';
import { fastImport } from './lib/fast-import.js';
import { openImportStack } from './lib/import-stack.js';
import { ms, percentiles } from './lib/percentiles.js';
import { smallFiles } from './lib/repo-shapes.js';
import { log } from './lib/scenario.js';
import { type BenchServices } from './lib/services.js';
import { formatTable } from './lib/table.js';
import { openWorkClone, type WorkClone } from './lib/work-clone.js';
import { runBench } from './lib/run-bench.js';

const USAGE = 'node --import tsx bench/push-to-snapshot.ts [--pushes 20] [--gap-ms 3000] [--files 1000] [--k 1,10,40] [--poll-ms 20]';
const OWNER = 'bench';
const REPO = 'push-to-snapshot';

function options(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      pushes: { type: 'string', default: '20' },
      'gap-ms': { type: 'string', default: '3000' },
      files: { type: 'string', default: '1000' },
      k: { type: 'string', default: '1,10,40' },
      'poll-ms': { type: 'string', default: '20' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const whole = (name: string, raw: string, min = 1) => {
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min) throw new Error(`--${name} must be a whole number of at least ${min}, got "${raw}"\n${USAGE}`);
    return value;
  };
  const ks = values.k.split(',').map((raw) => whole('k', raw));
  const files = whole('files', values.files);
  if (Math.max(...ks) > files) throw new Error(`--k cannot exceed --files (${files})\n${USAGE}`);
  return { pushes: whole('pushes', values.pushes), gapMs: whole('gap-ms', values['gap-ms'], 0), files, ks, pollMs: whole('poll-ms', values['poll-ms']) };
}

interface PushTiming {
  totalMs: number;
  pushMs: number;
  toWebhookMs: number;
  fromWebhookMs: number;
  ackMs: number;
  operationMs: number;
}

runBench('bench/push-to-snapshot.ts', options, async (opts, { root, services, cleanup, command }) => {
  const { github } = services;
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  const secret = randomBytes(32).toString('hex');
  // PUBLIC_URL: linking registers the repository's webhook; polling off, so only it brings pushes.
  const stack = await openImportStack(services, 'push-to-snapshot', { env: { PUBLIC_URL: publicUrl, GITHUB_WEBHOOK_SECRET: secret, POLL_INTERVAL_SECONDS: '0' } });
  cleanup.add('stack', stack.close);
  const apiProcess = await startApiProcess(stack.env, { port });
  cleanup.add('api process', apiProcess.stop);
  const api = new ApiClient(apiProcess.url, stack.auth);

  const { path: gitDir } = await github.repos.create(OWNER, REPO, { defaultBranch: 'main' });
  const paths = [...smallFiles(opts.files)].map((file) => file.path);
  await fastImport(gitDir, smallFiles(opts.files));
  const project = await api.link(OWNER, REPO, github.token);
  const hook = await ensureHook(services, `${publicUrl}/api/webhooks/github`, secret);
  await api.importProject(project.id);
  log(`imported ${OWNER}/${REPO} (${opts.files} files); webhook ${hook}`);
  const clone = await openWorkClone(root, gitDir);
  cleanup.add('clone', clone.close);

  const loadBefore = os.loadavg()[0]!;
  const timings: PushTiming[] = [];
  for (let i = 0; i < opts.pushes; i += 1) {
    await sleep(opts.gapMs);
    const { timing } = await timedPush(services, api, clone, project.id, [paths[i % paths.length]!], `push ${i + 1}`, opts.pollMs);
    timings.push(timing);
    log(`push ${i + 1}/${opts.pushes}: synced ${ms(timing.totalMs)} ms after git push started`);
  }

  const requestRows: Array<Array<string | number>> = [];
  for (const k of opts.ks) {
    await sleep(opts.gapMs);
    github.requests.clear();
    const { operation } = await timedPush(services, api, clone, project.id, paths.slice(0, k), `push of ${k} files`, opts.pollMs);
    await sleep(500); // anything the worker still asks after the snapshot moved counts too
    const entries = github.requests.filter();
    const apiCount = entries.filter((entry) => entry.host === 'api').length;
    const routes = Object.entries(github.requests.byRoute()).map(([route, n]) => `${route.replace('/repos/{owner}/{repo}', '/repos/{o}/{r}')} ×${n}`).join(', ');
    requestRows.push([k, apiCount, entries.filter((entry) => entry.host === 'codeload').length, operation.apiRequests, k + 3, apiCount <= k + 3 ? 'yes' : 'NO', routes]);
    log(`k=${k}: ${apiCount} GitHub API requests`);
  }
  const load = `1-min load average ${loadBefore.toFixed(2)} before the pushes, ${os.loadavg()[0]!.toFixed(2)} after`;
  console.log(`\n${render(command, opts, hook, load, timings, requestRows)}`);
});

/** The webhook linking registered (PUBLIC_URL), or one the benchmark adds with the app-wide secret. */
async function ensureHook(services: BenchServices, url: string, secret: string): Promise<string> {
  const { github } = services;
  const headers = { authorization: `token ${github.token}`, 'content-type': 'application/json' };
  const hooks = (await (await fetch(`${github.url}/repos/${OWNER}/${REPO}/hooks`, { headers })).json()) as Array<{ config: { url: string } }>;
  if (hooks.some((hook) => hook.config.url === url)) return 'registered by linking (PUBLIC_URL, per-project secret)';
  const body = JSON.stringify({ config: { url, content_type: 'json', secret }, events: ['push'] });
  const created = await fetch(`${github.url}/repos/${OWNER}/${REPO}/hooks`, { method: 'POST', headers, body });
  if (created.status !== 201) throw new Error(`creating the webhook answered ${created.status}`);
  return 'added by the benchmark (GITHUB_WEBHOOK_SECRET)';
}

/** Commits a change to `files`, pushes it, and polls the API until it reports that commit synced. */
async function timedPush(services: BenchServices, api: ApiClient, clone: WorkClone, projectId: string, files: string[], message: string, pollMs: number): Promise<{ timing: PushTiming; operation: OperationView }> {
  const sha = await clone.commit(files, message);
  // The emulator records a delivery the moment it is answered: that instant less its duration is when it left.
  const answered = services.github.webhooks.waitFor((entry) => entry.event === 'push' && entry.payload.after === sha, 60_000).then((delivery) => ({ delivery, at: performance.now() }));
  void answered.catch(() => undefined); // awaited below; a failed push must not leave it unhandled
  const started = performance.now();
  await clone.push();
  const pushed = performance.now();
  await api.waitForSynced(projectId, sha, { timeoutMs: 60_000, intervalMs: pollMs });
  const synced = performance.now();
  const { delivery, at } = await answered;
  if (delivery.statusCode < 200 || delivery.statusCode >= 300) throw new Error(`the push webhook for ${sha} was answered ${delivery.statusCode}`);
  const sent = at - delivery.durationMs;
  const operation = (await api.operations(projectId)).find((entry) => entry.kind === 'incremental' && entry.afterSha === sha);
  if (!operation) throw new Error(`no incremental operation recorded for ${sha}`);
  return {
    timing: { totalMs: synced - started, pushMs: pushed - started, toWebhookMs: sent - started, fromWebhookMs: synced - sent, ackMs: delivery.durationMs, operationMs: operation.durationMs ?? Number.NaN },
    operation,
  };
}

function render(command: string, opts: ReturnType<typeof options>, hook: string, load: string, timings: PushTiming[], requestRows: Array<Array<string | number>>): string {
  const row = (label: string, values: number[]) => {
    const known = values.filter((value) => !Number.isNaN(value));
    return [label, known.length, ...percentiles(known, [50, 90, 100]).map(ms), ms(known.reduce((sum, value) => sum + value, 0) / known.length)];
  };
  const out: string[] = [];
  out.push(`Push → snapshot: ${opts.pushes} one-file pushes (git push to the emulator; its hook delivers the signed webhook) to a ${opts.files}-file project, ${opts.gapMs} ms apart`);
  out.push(`(API process on loopback, PostgreSQL, SeaweedFS, Temporal, one worker process; webhook ${hook}; status polled every ${opts.pollMs} ms;`, `${os.cpus().length} cores, ${load})`, '');
  out.push(formatTable(['ms', 'n', 'p50', 'p90', 'max', 'mean'], [
    row('git push started → API reports synced', timings.map((timing) => timing.totalMs)),
    row('  git push started → webhook sent (GitHub side)', timings.map((timing) => timing.toWebhookMs)),
    row('  webhook sent → API reports synced (reposync)', timings.map((timing) => timing.fromWebhookMs)),
    row('git push, wall (hooks included)', timings.map((timing) => timing.pushMs)),
    row('webhook answered (emulator-timed, ms resolution)', timings.map((timing) => timing.ackMs)),
    row('sync operation (as the worker recorded it)', timings.map((timing) => timing.operationMs)),
  ]));
  out.push('', 'GitHub requests per push of k small modified files (emulator log since the push; polling off)', '');
  out.push(formatTable(['k', 'API requests', 'codeload', 'operation row', 'target k+3', 'within', 'routes'], requestRows));
  out.push('', 'Command', `  ${command}`);
  return out.join('\n');
}
