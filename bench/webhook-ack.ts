/**
 * Webhook acknowledgement benchmark: a sustained, open-loop stream of signed
 * `push` deliveries to POST /api/webhooks/github — the production API in a process of its own on
 * loopback, with PostgreSQL, Temporal and a worker process really syncing every push — then the
 * proof that nothing was lost or doubled: each project's snapshot at its final head, one
 * webhook_deliveries row per delivery id, and its incremental syncs counted. Every push is real:
 * `main` moves to a new commit just before its delivery leaves. Everything stops itself.
 *
 * Beside it, in the same run and at the same time (or before it: --bare before), the same schedule of
 * deliveries goes to a bare Fastify route (bench/lib/bare-insert-server.ts) that only runs the acknowledgement's one INSERT on the
 * same database: the yardstick the real route's p99 is compared with. The route answers once the
 * delivery is in the inbox; the run then waits for the inbox to empty and prints how long each
 * delivery waited there (recorded → applied), so a fast answer cannot hide an applier left behind.
 * Both routes first get --warmup seconds of the same stream, not counted: a freshly started process
 * spends its first seconds compiling its hot paths and filling its pools and caches, and so does
 * PostgreSQL with a new table. The warm-up's own latencies are printed beside the measured ones.
 * BENCH_API_CPU_PROF=<dir> writes a CPU profile of the API process there; --records <file> writes
 * every measured send's sender lag and due → answer latency, both routes, as JSON, to see when the
 * slow answers came.
 *
 *   node --import tsx bench/webhook-ack.ts [--rate 200] [--duration 30] [--warmup 5] [--repos 20] [--redeliveries 0.05] [--bare alongside|before|off]
 */
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import type { Db } from '../src/db/connection.js';
import { webhookDeliveriesRepository } from '../src/db/repositories/webhook-deliveries.js';
import { ApiClient } from './lib/api-client.js';
import { freePort, startApiProcess } from './lib/api-process.js';
import { startBareInsertProcess } from './lib/bare-insert-process.js';
import { checkExactlyOnce } from './lib/exactly-once.js';
import { openImportStack } from './lib/import-stack.js';
import { ms, percentiles } from './lib/percentiles.js';
import { prepareFleet, type FleetProject } from './lib/push-fleet.js';
import { log } from './lib/scenario.js';
import { sendDeliveries } from './lib/send-deliveries.js';
import { startWorkerProcess } from './lib/worker-process.js';
import { cpuMs } from './lib/process-cpu.js';
import { formatTable, seconds } from './lib/table.js';
import { runBench } from './lib/run-bench.js';

const USAGE = 'node --import tsx bench/webhook-ack.ts [--rate 200] [--duration 30] [--warmup 5] [--repos 20] [--files 50] [--redeliveries 0.05] [--connections 1000] [--api-log-level info] [--sync-during-send on|off] [--bare alongside|before|off] [--records file.json]';
/** The follower lingers this long for more pushes before its run ends (src/workflows/incremental-sync.ts). */
const LINGER_MS = 2_000;
/** How long the inbox may take to apply what was answered before its leftovers count as lost. */
const INBOX_TIMEOUT_MS = 120_000;

function options(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      rate: { type: 'string', default: '200' },
      duration: { type: 'string', default: '30' },
      warmup: { type: 'string', default: '5' },
      repos: { type: 'string', default: '20' },
      files: { type: 'string', default: '50' },
      redeliveries: { type: 'string', default: '0.05' },
      connections: { type: 'string', default: '1000' },
      'api-log-level': { type: 'string', default: 'info' },
      'sync-during-send': { type: 'string', default: 'on' },
      bare: { type: 'string', default: 'alongside' },
      records: { type: 'string' },
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
    warmupS: number('warmup', { min: 0, integer: false }),
    repos: number('repos'),
    files: number('files'),
    redeliveryShare: number('redeliveries', { min: 0, max: 0.5, integer: false }),
    connections: number('connections'),
    apiLogLevel: values['api-log-level'],
    // off: the worker is stopped while deliveries are sent and restarted after, as when workers
    // run on other machines; the API then shares the cores only with PostgreSQL and Temporal.
    syncDuringSend: values['sync-during-send'] !== 'off',
    // alongside: the bare route gets the same schedule at the same time, so both answer under the
    // same load from the rest of the machine; before: it goes first, alone.
    bare: oneOf('bare', values.bare, ['alongside', 'before', 'off'] as const),
    recordsFile: values.records,
  };
}

function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) throw new Error(`--${name}: ${String(value)} is not one of ${allowed.join(', ')}\n${USAGE}`);
  return value as T;
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
  const warmTotal = Math.round(opts.rate * opts.warmupS);
  const fleet = await prepareFleet(services, api, { count: opts.repos, files: opts.files, pushes: Math.ceil((total + warmTotal) / opts.repos) + 2 });
  services.github.requests.clear();
  if (!opts.syncDuringSend) await stack.worker.stop();

  const yardstick = opts.bare !== 'off' ? await startBareInsertProcess(stack.env.DATABASE_URL!, await freePort()) : undefined;
  if (yardstick) cleanup.add('bare INSERT server', yardstick.stop);
  const stream = { secret, rate: opts.rate, redeliveryShare: opts.redeliveryShare, connections: opts.connections };
  const warm = warmTotal > 0 ? await warmUp() : undefined;
  // The measured stream carries on from where the warm-up left each repository's `main`.
  const plan = { ...stream, durationS: opts.durationS, repos: fleet.map((project, r) => carryOn(project, warm?.api.finalHeads[r] ?? project.base)) };

  /** The same stream to both routes at once, for --warmup seconds; its answers are not counted. */
  async function warmUp() {
    log(`warming up: ${opts.rate} deliveries/s for ${opts.warmupS} s to the API${yardstick ? ' and the bare route' : ''}, not counted`);
    const warmPlan = { ...stream, durationS: opts.warmupS, repos: fleet };
    const [warmApi, warmBare] = await Promise.all([
      sendDeliveries({ ...warmPlan, url: `${apiProcess.url}/api/webhooks/github` }, (sent, answered) => log(`warm-up: sent ${sent}, answered ${answered}`)),
      yardstick ? sendDeliveries({ ...warmPlan, url: yardstick.url, moveRefs: false }, () => {}) : undefined,
    ]);
    return { api: warmApi, bare: warmBare };
  }
  const sendBare = () => {
    log(`sending ${opts.rate} deliveries/s for ${opts.durationS} s to the bare INSERT route ${yardstick!.url}`);
    return sendDeliveries({ ...plan, url: yardstick!.url, moveRefs: false }, (sent, answered) => log(`bare: sent ${sent}, answered ${answered}`));
  };
  const bareCpuBefore = yardstick ? cpuMs(yardstick.pid) : Number.NaN;
  let bare = opts.bare === 'before' ? await sendBare() : undefined;

  log(`sending ${opts.rate} deliveries/s for ${opts.durationS} s (${Math.round(opts.redeliveryShare * 100)}% exact redeliveries) to ${apiProcess.url}/api/webhooks/github`);
  const loadBefore = os.loadavg()[0]!;
  const apiCpuBefore = cpuMs(apiProcess.pid);
  const [result, alongside] = await Promise.all([
    sendDeliveries({ ...plan, url: `${apiProcess.url}/api/webhooks/github` }, (sent, answered) => log(`sent ${sent}, answered ${answered}`)),
    opts.bare === 'alongside' ? sendBare() : undefined,
  ]);
  bare ??= alongside;
  if (opts.recordsFile) {
    const lagAndLatency = (run: SenderRun | undefined) => run?.records.map((record) => [record.lagMs, record.latencyMs]) ?? null;
    await writeFile(opts.recordsFile, JSON.stringify({ rate: opts.rate, api: lagAndLatency(result), bare: lagAndLatency(bare) }));
  }
  // What answering cost each process, from the first send to the last answer (the API's inbox
  // applier included: it runs in the same process, alongside the answers).
  const cpu = { apiMs: cpuMs(apiProcess.pid) - apiCpuBefore, bareMs: yardstick ? cpuMs(yardstick.pid) - bareCpuBefore : Number.NaN };
  await yardstick?.stop();
  const sentAt = performance.now();
  const load = `1-min load average ${loadBefore.toFixed(2)} before sending, ${os.loadavg()[0]!.toFixed(2)} at the end`;
  // Deliveries are applied after their answer: the inbox must empty on its own, workers or not.
  log('all answered; waiting for the inbox to apply every delivery');
  const inbox = webhookDeliveriesRepository(stack.db);
  for (const deadline = Date.now() + INBOX_TIMEOUT_MS; (await inbox.backlog()).pending > 0 && Date.now() < deadline; ) await sleep(100);
  const drainMs = performance.now() - sentAt;
  const unapplied = (await inbox.backlog()).pending;
  const applyLagMs = await applyLags(stack.db, new Set(result.records.map((record) => record.delivery)));
  if (!opts.syncDuringSend) {
    const worker = await startWorkerProcess({ PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...stack.env, WORKFLOW_BUNDLE_PATH: services.workflowBundlePath });
    cleanup.add('worker after sending', worker.stop);
  }
  log('waiting for every project to reach its final head');
  await Promise.all(fleet.map((project, r) => api.waitForSynced(project.projectId, result.finalHeads[r]!, { timeoutMs: 600_000, intervalMs: 100 })));
  const catchUpMs = performance.now() - sentAt;
  await sleep(LINGER_MS + 2_000); // a follow-up sync would start within the linger; give it room to show
  // Every delivery the API got, the warm-up's included, must be recorded once and applied.
  const check = await checkExactlyOnce(stack.db, api, fleet, [...(warm?.api.records ?? []), ...result.records], result.finalHeads);
  const githubApiRequests = services.github.requests.filter().filter((entry) => entry.host === 'api').length;

  console.log(`\n${render(command, opts, load, result, check, { catchUpMs, drainMs, unapplied, applyLagMs, cpu }, githubApiRequests, bare, warm)}`);
});

/** A repository's plan for the measured stream: `main` moves on from `head` along the rest of its chain. */
function carryOn(project: FleetProject, head: string): FleetProject {
  const at = project.commits.findIndex((commit) => commit.sha === head);
  return { ...project, base: head, commits: project.commits.slice(at + 1) };
}

/** How long each delivery of this run waited in the inbox, recorded → applied. */
async function applyLags(db: Db, sent: Set<string>): Promise<number[]> {
  const rows = await db
    .selectFrom('webhook_deliveries')
    .select(['delivery_id', sql<number>`extract(epoch from processed_at - received_at) * 1000`.as('lag_ms')])
    .where('processed_at', 'is not', null)
    .execute();
  return rows.filter((row) => sent.has(row.delivery_id)).map((row) => Number(row.lag_ms));
}

interface Timings {
  catchUpMs: number;
  drainMs: number;
  /** Deliveries still in the inbox when the bench stopped waiting: lost, as far as the run can tell. */
  unapplied: number;
  applyLagMs: number[];
  /** CPU time each server process used while its deliveries were sent and answered. */
  cpu: { apiMs: number; bareMs: number };
}

type SenderRun = Awaited<ReturnType<typeof sendDeliveries>>;

function render(command: string, opts: ReturnType<typeof options>, load: string, result: SenderRun, check: Awaited<ReturnType<typeof checkExactlyOnce>>, timings: Timings, githubApiRequests: number, bare?: SenderRun, warm?: { api: SenderRun; bare: SenderRun | undefined }): string {
  const { catchUpMs, drainMs, unapplied, applyLagMs, cpu } = timings;
  const { records } = result;
  const row = (label: string, values: number[]) => [label, values.length, ...percentiles(values, [50, 95, 99, 100]).map(ms)];
  const non2xx = records.filter((record) => record.status !== 0 && (record.status < 200 || record.status >= 300)).length;
  const errors = records.filter((record) => record.status === 0).length;
  const answers: Record<string, number> = {};
  for (const record of records) {
    const key = `${record.kind}: ${record.status || 'error'} ${record.outcome ?? record.error ?? ''}`.trim();
    answers[key] = (answers[key] ?? 0) + 1;
  }
  const syncs = check.projects.map((project) => project.syncs.length).sort((a, b) => a - b);
  const totalSyncs = syncs.reduce((sum, n) => sum + n, 0);
  // Pushes of the measured stream; the checks and sync counts below take in the warm-up's too.
  const pushes = records.filter((record) => record.kind === 'push').length;
  const allPushes = check.projects.reduce((sum, project) => sum + project.pushes, 0);
  const atHead = check.projects.filter((project) => project.lastSyncedSha === project.finalHead).length;
  const overPushed = check.projects.filter((project) => project.syncs.length > project.pushes).length;
  const sum = (pick: (project: (typeof check.projects)[number]) => number) => check.projects.reduce((total, project) => total + pick(project), 0);

  const out: string[] = [];
  out.push(`Webhook acknowledgement under load: ${opts.rate} signed push deliveries/s for ${opts.durationS} s after ${opts.warmupS} s of warm-up, open loop, to the API process on loopback`);
  out.push(`(${opts.repos} projects of ${opts.files} files, PostgreSQL, Temporal, ${opts.syncDuringSend ? 'one worker process syncing meanwhile' : 'the worker stopped while sending and started after'}; ${opts.connections} keep-alive connections; API LOG_LEVEL=${opts.apiLogLevel};`, `${os.cpus().length} cores, ${load})`, '');
  out.push(formatTable(['latency, ms', 'n', 'p50', 'p95', 'p99', 'max'], [
    row('ack (due → answer)', records.map((record) => record.latencyMs)),
    row('ack (sent → answer)', records.map((record) => record.serviceMs)),
    row('sender lag (due → sent)', records.map((record) => record.lagMs)),
    ...(bare
      ? [
          row('bare INSERT route (due → answer)', bare.records.map((record) => record.latencyMs)),
          row('bare INSERT route (sent → answer)', bare.records.map((record) => record.serviceMs)),
          row('bare route sender lag (due → sent)', bare.records.map((record) => record.lagMs)),
        ]
      : []),
    row('apply lag (recorded → applied)', applyLagMs),
    ...(warm
      ? [
          row('warm-up, not counted: ack (due → answer)', warm.api.records.map((record) => record.latencyMs)),
          ...(warm.bare ? [row('warm-up, not counted: bare route', warm.bare.records.map((record) => record.latencyMs))] : []),
        ]
      : []),
  ]));
  if (bare) {
    const p99 = (values: number[]) => percentiles(values, [99])[0]!;
    const bareErrors = bare.records.filter((record) => record.status < 200 || record.status >= 300).length;
    const ratio = (pick: (record: (typeof records)[number]) => number) => (p99(records.map(pick)) / p99(bare.records.map(pick))).toFixed(2);
    // Sent → answer leaves out the sender's own lag, which differs: only the real run's sender moves a ref before each push.
    out.push('', `ack p99 ÷ bare INSERT route p99 (bare route sent ${opts.bare} the ack): due → answer ${ratio((record) => record.latencyMs)}, sent → answer ${ratio((record) => record.serviceMs)}; bare route non-2xx or errors: ${bareErrors}`);
    const perDelivery = (totalMs: number, n: number) => (totalMs / n).toFixed(3);
    out.push(`CPU per delivery (user + system, whole process): API ${perDelivery(cpu.apiMs, records.length)} ms (answering and applying), bare INSERT route ${perDelivery(cpu.bareMs, bare.records.length)} ms`);
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
    [`deliveries not applied ${INBOX_TIMEOUT_MS / 1000} s after the last answer`, 0, unapplied],
    ['projects whose snapshot is at their final head', opts.repos, atHead],
    ['incremental syncs failed', 0, sum((project) => project.failed)],
    ['syncs repeating an applied before..after', 0, sum((project) => project.repeated)],
    ['projects with more syncs than pushes', 0, overPushed],
  ]));
  out.push('', formatTable(['incremental syncs', 'value'], [
    ['pushes delivered (unique), warm-up included', allPushes],
    ['syncs, all projects', totalSyncs],
    ['syncs per project (min / median / max)', `${syncs[0]} / ${syncs[Math.floor(syncs.length / 2)]} / ${syncs.at(-1)}`],
    ['pushes per sync (coalescing)', (allPushes / Math.max(1, totalSyncs)).toFixed(1)],
    ['follow-ups that found nothing new (upToDate)', sum((project) => project.upToDate)],
    ['last answer → inbox empty, s', seconds(drainMs)],
    ['last answer → every project at its final head, s', seconds(catchUpMs)],
    ['GitHub API requests by the worker (per sync)', `${githubApiRequests} (${(githubApiRequests / Math.max(1, totalSyncs)).toFixed(1)})`],
  ]));
  out.push('', `webhook_deliveries outcomes: ${JSON.stringify(check.outcomes)}`);
  out.push('', 'Command', `  ${command}`);
  return out.join('\n');
}
