/**
 * Webhook acknowledgement benchmark: a sustained, open-loop stream of signed
 * `push` deliveries to POST /api/webhooks/github — the production API in a process of its own on
 * loopback, with PostgreSQL, Temporal and a worker process really syncing every push — then the
 * proof that nothing was lost or doubled: each project's snapshot at its final head, one
 * webhook_deliveries row per delivery id, and its incremental syncs counted. Every push is real:
 * `main` moves to a new commit just before its delivery leaves. Everything stops itself.
 *
 * Beside it, in the same run and before it, the same schedule of deliveries goes to a bare Fastify
 * route (bench/lib/bare-insert-server.ts) that only runs the acknowledgement's one INSERT on the
 * same database: the yardstick the real route's p99 is compared with.
 *
 *   node --import tsx bench/webhook-ack.ts [--rate 200] [--duration 30] [--repos 20] [--redeliveries 0.05] [--bare on|off]
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { ApiClient } from './lib/api-client.js';
import { freePort, startApiProcess } from './lib/api-process.js';
import { startBareInsertProcess } from './lib/bare-insert-process.js';
import { checkExactlyOnce } from './lib/exactly-once.js';
import { openImportStack } from './lib/import-stack.js';
import { ms, percentiles } from './lib/percentiles.js';
import { prepareFleet } from './lib/push-fleet.js';
import { log } from './lib/scenario.js';
import { sendDeliveries } from './lib/send-deliveries.js';
import { startWorkerProcess } from './lib/worker-process.js';
import { formatTable, seconds } from './lib/table.js';
import { runBench } from './lib/run-bench.js';

const USAGE = 'node --import tsx bench/webhook-ack.ts [--rate 200] [--duration 30] [--repos 20] [--files 50] [--redeliveries 0.05] [--connections 1000] [--api-log-level info] [--sync-during-send on|off] [--bare on|off]';
/** The follower lingers this long for more pushes before its run ends (src/workflows/incremental-sync.ts). */
const LINGER_MS = 2_000;

function options(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      rate: { type: 'string', default: '200' },
      duration: { type: 'string', default: '30' },
      repos: { type: 'string', default: '20' },
      files: { type: 'string', default: '50' },
      redeliveries: { type: 'string', default: '0.05' },
      connections: { type: 'string', default: '1000' },
      'api-log-level': { type: 'string', default: 'info' },
      'sync-during-send': { type: 'string', default: 'on' },
      bare: { type: 'string', default: 'on' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const number = (name: keyof typeof values, { min = 1, max = Infinity, integer = true } = {}) => {
    const value = Number(values[name]);
    if (!Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) throw new Error(`--${name}: ${String(values[name])} is out of range\n${USAGE}`);
    return value;
  };
  return {
    rate: number('rate', { integer: false }),
    durationS: number('duration', { integer: false }),
    repos: number('repos'),
    files: number('files'),
    redeliveryShare: number('redeliveries', { min: 0, max: 0.5, integer: false }),
    connections: number('connections'),
    apiLogLevel: values['api-log-level'],
    // off: the worker is stopped while deliveries are sent and restarted after, as when workers
    // run on other machines; the API then shares the cores only with PostgreSQL and Temporal.
    syncDuringSend: values['sync-during-send'] !== 'off',
    bare: values.bare !== 'off',
  };
}

runBench('bench/webhook-ack.ts', options, async (opts, { services, cleanup, command }) => {
  const secret = randomBytes(32).toString('hex');
  // Polling off: every sync in this run comes from a webhook.
  const stack = await openImportStack(services, 'webhook-ack', { env: { GITHUB_WEBHOOK_SECRET: secret, POLL_INTERVAL_SECONDS: '0' } });
  cleanup.add('stack', stack.close);
  const apiProcess = await startApiProcess(stack.env, { port: await freePort(), logLevel: opts.apiLogLevel });
  cleanup.add('api process', apiProcess.stop);
  const api = new ApiClient(apiProcess.url, stack.auth);

  const total = Math.round(opts.rate * opts.durationS);
  const fleet = await prepareFleet(services, api, { count: opts.repos, files: opts.files, pushes: Math.ceil(total / opts.repos) + 1 });
  services.github.requests.clear();
  if (!opts.syncDuringSend) await stack.worker.stop();

  const plan = { secret, rate: opts.rate, durationS: opts.durationS, redeliveryShare: opts.redeliveryShare, connections: opts.connections, repos: fleet };
  let bare: Awaited<ReturnType<typeof sendDeliveries>> | undefined;
  if (opts.bare) {
    const yardstick = await startBareInsertProcess(stack.env.DATABASE_URL!, await freePort());
    cleanup.add('bare INSERT server', yardstick.stop);
    log(`sending ${opts.rate} deliveries/s for ${opts.durationS} s to the bare INSERT route ${yardstick.url}`);
    bare = await sendDeliveries({ ...plan, url: yardstick.url, moveRefs: false }, (sent, answered) => log(`bare: sent ${sent}, answered ${answered}`));
    await yardstick.stop();
  }

  log(`sending ${opts.rate} deliveries/s for ${opts.durationS} s (${Math.round(opts.redeliveryShare * 100)}% exact redeliveries) to ${apiProcess.url}/api/webhooks/github`);
  const loadBefore = os.loadavg()[0]!;
  const result = await sendDeliveries(
    { ...plan, url: `${apiProcess.url}/api/webhooks/github` },
    (sent, answered) => log(`sent ${sent}, answered ${answered}`),
  );
  const sentAt = performance.now();
  const load = `1-min load average ${loadBefore.toFixed(2)} before sending, ${os.loadavg()[0]!.toFixed(2)} at the end`;
  if (!opts.syncDuringSend) {
    const worker = await startWorkerProcess({ PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...stack.env, WORKFLOW_BUNDLE_PATH: services.workflowBundlePath });
    cleanup.add('worker after sending', worker.stop);
  }
  log('all answered; waiting for every project to reach its final head');
  await Promise.all(fleet.map((project, r) => api.waitForSynced(project.projectId, result.finalHeads[r]!, { timeoutMs: 600_000, intervalMs: 100 })));
  // Deliveries are applied after their answer: the checks below wait until the inbox is empty.
  for (let pending = Infinity; pending > 0; await sleep(200)) {
    pending = Number((await stack.db.selectFrom('webhook_deliveries').select((eb) => eb.fn.countAll<number>().as('n')).where('processed_at', 'is', null).executeTakeFirstOrThrow()).n);
  }
  const catchUpMs = performance.now() - sentAt;
  await sleep(LINGER_MS + 2_000); // a follow-up sync would start within the linger; give it room to show
  const check = await checkExactlyOnce(stack.db, api, fleet, result.records, result.finalHeads);
  const githubApiRequests = services.github.requests.filter().filter((entry) => entry.host === 'api').length;

  console.log(`\n${render(command, opts, load, result, check, catchUpMs, githubApiRequests, bare)}`);
});

function render(command: string, opts: ReturnType<typeof options>, load: string, result: Awaited<ReturnType<typeof sendDeliveries>>, check: Awaited<ReturnType<typeof checkExactlyOnce>>, catchUpMs: number, githubApiRequests: number, bare?: Awaited<ReturnType<typeof sendDeliveries>>): string {
  const { records } = result;
  const row = (label: string, values: number[]) => [label, values.length, ...percentiles(values, [50, 90, 99, 100]).map(ms)];
  const non2xx = records.filter((record) => record.status !== 0 && (record.status < 200 || record.status >= 300)).length;
  const errors = records.filter((record) => record.status === 0).length;
  const answers: Record<string, number> = {};
  for (const record of records) {
    const key = `${record.kind}: ${record.status || 'error'} ${record.outcome ?? record.error ?? ''}`.trim();
    answers[key] = (answers[key] ?? 0) + 1;
  }
  const syncs = check.projects.map((project) => project.syncs.length).sort((a, b) => a - b);
  const totalSyncs = syncs.reduce((sum, n) => sum + n, 0);
  const pushes = check.projects.reduce((sum, project) => sum + project.pushes, 0);
  const atHead = check.projects.filter((project) => project.lastSyncedSha === project.finalHead).length;
  const overPushed = check.projects.filter((project) => project.syncs.length > project.pushes).length;
  const sum = (pick: (project: (typeof check.projects)[number]) => number) => check.projects.reduce((total, project) => total + pick(project), 0);

  const out: string[] = [];
  out.push(`Webhook acknowledgement under load: ${opts.rate} signed push deliveries/s for ${opts.durationS} s, open loop, to the API process on loopback`);
  out.push(`(${opts.repos} projects of ${opts.files} files, PostgreSQL, Temporal, ${opts.syncDuringSend ? 'one worker process syncing meanwhile' : 'the worker stopped while sending and started after'}; ${opts.connections} keep-alive connections; API LOG_LEVEL=${opts.apiLogLevel};`, `${os.cpus().length} cores, ${load})`, '');
  out.push(formatTable(['latency, ms', 'n', 'p50', 'p90', 'p99', 'max'], [
    row('ack (due → answer)', records.map((record) => record.latencyMs)),
    row('ack (sent → answer)', records.map((record) => record.serviceMs)),
    row('sender lag (due → sent)', records.map((record) => record.lagMs)),
    ...(bare ? [row('bare INSERT route (due → answer)', bare.records.map((record) => record.latencyMs)), row('bare INSERT route (sent → answer)', bare.records.map((record) => record.serviceMs))] : []),
  ]));
  if (bare) {
    const p99 = (values: number[]) => percentiles(values, [99])[0]!;
    const bareErrors = bare.records.filter((record) => record.status < 200 || record.status >= 300).length;
    out.push('', `ack p99 ÷ bare INSERT route p99 (due → answer): ${(p99(records.map((record) => record.latencyMs)) / p99(bare.records.map((record) => record.latencyMs))).toFixed(2)}; bare route non-2xx or errors: ${bareErrors}`);
  }
  out.push('', formatTable(['deliveries', 'sent', 'achieved/s', 'non-2xx', 'errors'], [
    [`${pushes} pushes + ${records.length - pushes} redeliveries`, records.length, (records.length / (result.sendingMs / 1000)).toFixed(1), non2xx, errors],
  ]));
  out.push('', formatTable(['answer', 'count'], Object.entries(answers).sort().map(([key, count]) => [key, count])));
  out.push('', 'Zero lost or doubled syncs', '');
  out.push(formatTable(['check', 'expected', 'measured'], [
    ['unique delivery ids sent', '-', check.uniqueSent],
    ['rows in webhook_deliveries', check.uniqueSent, check.rows],
    ['  ids sent but not recorded', 0, check.missing],
    ['  rows for ids never sent', 0, check.extra],
    ['ids accepted twice (a 202 for a redelivery too)', 0, check.acceptedTwice],
    ['ids never answered 2xx (every send timed out)', 0, check.unanswered],
    ['projects whose snapshot is at their final head', opts.repos, atHead],
    ['incremental syncs failed', 0, sum((project) => project.failed)],
    ['syncs repeating an applied before..after', 0, sum((project) => project.repeated)],
    ['projects with more syncs than pushes', 0, overPushed],
  ]));
  out.push('', formatTable(['incremental syncs', 'value'], [
    ['pushes delivered (unique)', pushes],
    ['syncs, all projects', totalSyncs],
    ['syncs per project (min / median / max)', `${syncs[0]} / ${syncs[Math.floor(syncs.length / 2)]} / ${syncs.at(-1)}`],
    ['pushes per sync (coalescing)', (pushes / Math.max(1, totalSyncs)).toFixed(1)],
    ['follow-ups that found nothing new (upToDate)', sum((project) => project.upToDate)],
    ['last answer → inbox applied and every project at its final head, s', seconds(catchUpMs)],
    ['GitHub API requests by the worker (per sync)', `${githubApiRequests} (${(githubApiRequests / Math.max(1, totalSyncs)).toFixed(1)})`],
  ]));
  out.push('', `webhook_deliveries outcomes: ${JSON.stringify(check.outcomes)}`);
  out.push('', 'Command', `  ${command}`);
  return out.join('\n');
}
