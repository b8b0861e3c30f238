/**
 * Worker memory benchmark: what the production worker (`src/worker.ts`, a process of its own)
 * holds at rest, beside a bare Node process, Node with tsx, and a bare Temporal worker with the
 * same workflow bundle and no activities (what the SDK itself costs); then the peak resident set
 * above that rest while it imports repositories of many small files, one fresh worker per size.
 *
 *   node --import tsx bench/worker-memory.ts [--files 2000,20000,200000] [--only baselines,imports]
 *
 * Idle: the median VmRSS over a second, 5 s after start (or after linking the project). Peak: the
 * kernel's VmHWM, reset to the idle RSS just before the import (/proc/<pid>/clear_refs), checked
 * against the largest VmRSS sampled every 50 ms.
 */
import { parseArgs } from 'node:util';
import type { GitHubEmulator } from '@reposync/github-emulator';
import { WorkflowFailedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { InitialSyncResult } from '../src/shared/initial-sync.js';
import type { Project, SyncStarted } from '../test/support/api-answers.js';
import { openImportStack, type ImportStack } from './lib/import-stack.js';
import { idleRss, resetPeakRss, sampleRss, startIdleChild, statusField } from './lib/process-memory.js';
import { smallFiles } from './lib/repo-shapes.js';
import { generateRepo, log, type BenchContext } from './lib/scenario.js';
import { runBench } from './lib/run-bench.js';
import { formatTable, mib, seconds } from './lib/table.js';
import { Report } from './lib/report.js';

const USAGE = 'node --import tsx bench/worker-memory.ts [--files 2000,20000,200000] [--only baselines,imports]';
const OWNER = 'bench';

interface Options {
  files: number[];
  baselines: boolean;
  imports: boolean;
}

function parse(argv: string[]): Options {
  const { values } = parseArgs({ args: argv, options: { files: { type: 'string', default: '2000,20000,200000' }, only: { type: 'string', default: 'baselines,imports' }, help: { type: 'boolean', default: false } } });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const files = values.files.split(',').map((raw) => {
    const count = Number(raw);
    if (!Number.isInteger(count) || count <= 0) throw new Error(`--files takes positive integers, got "${raw}"\n${USAGE}`);
    return count;
  });
  const parts = values.only.split(',');
  for (const part of parts) if (part !== 'baselines' && part !== 'imports') throw new Error(`--only: unknown part "${part}"\n${USAGE}`);
  return { files, baselines: parts.includes('baselines'), imports: parts.includes('imports') };
}

interface ImportMemory {
  files: number;
  wallMs: number;
  idle: number;
  peak: number;
  sampled: number;
}

/** Links the repository, measures the worker at rest, then imports it and reads the peak. */
async function importMeasured(stack: ImportStack, github: GitHubEmulator, repo: string): Promise<ImportMemory> {
  const { app, auth, temporal, db, worker } = stack;
  const linked = await app.inject({ method: 'POST', url: '/api/projects', headers: auth, payload: { owner: OWNER, repo, token: github.token } });
  if (linked.statusCode !== 201) throw new Error(`linking ${OWNER}/${repo} failed: ${linked.statusCode} ${linked.body}`);
  const { id } = linked.json<Project>();
  const idle = await idleRss(worker.pid);
  if (!resetPeakRss(worker.pid)) log('cannot reset VmHWM here: the peak is the sampled VmRSS only');
  const sampler = sampleRss(worker.pid);
  const started = performance.now();
  const response = await app.inject({ method: 'POST', url: `/api/projects/${id}/sync/initial`, headers: auth });
  if (response.statusCode !== 202) throw new Error(`starting the import failed: ${response.statusCode} ${response.body}`);
  const { workflowId, syncId } = response.json<SyncStarted>();
  await importResult(temporal, workflowId, syncId);
  const wallMs = performance.now() - started;
  const sampled = sampler.stop();
  const peak = Math.max(statusField(worker.pid, 'VmHWM'), sampled);
  const snapshot = await db.selectFrom('snapshots').select('file_count').where('project_id', '=', id).where('complete', '=', true).executeTakeFirstOrThrow();
  return { files: Number(snapshot.file_count), wallMs, idle, peak, sampled };
}

/**
 * The import's result. The project's writer starts the import as a child a moment after the API
 * accepted it, so until then the workflow is not found yet.
 */
async function importResult(temporal: Client, workflowId: string, runId: string | null): Promise<InitialSyncResult> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      return (await temporal.workflow.getHandle(workflowId, runId ?? undefined).result()) as InitialSyncResult;
    } catch (error) {
      if (error instanceof WorkflowFailedError) throw new Error(`the import failed: ${causes(error)}`, { cause: error });
      if (!(error instanceof WorkflowNotFoundError) || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

/** An error's message and those of its causes, outermost first. */
function causes(error: unknown): string {
  const messages: string[] = [];
  for (let current = error; current instanceof Error; current = current.cause) messages.push(current.message);
  return messages.join(' <- ');
}

runBench('bench/worker-memory.ts', parse, async (options, { services, cleanup, command }) => {
  const ctx: BenchContext = { services, cleanup, report: new Report(command) };
  const out: string[] = [];
  if (options.baselines) {
    const rows: Array<Array<string | number>> = [];
    const measure = async (what: string, args: string[], ready: string, env: Record<string, string> = {}) => {
      log(`at rest: ${what}`);
      const child = await startIdleChild(args, ready, env);
      cleanup.add(what, child.stop);
      try {
        const rss = await idleRss(child.pid);
        log(`at rest: ${what}: ${mib(rss)} MiB`);
        rows.push([what, mib(rss)]);
      } finally {
        await cleanup.release(what);
      }
    };
    const waitForever = "process.stdout.write('ready\\n'); setInterval(() => {}, 1 << 30)";
    await measure('node (nothing loaded)', ['-e', waitForever], 'ready');
    await measure('node --import tsx (nothing loaded)', ['--import', 'tsx', '-e', waitForever], 'ready');
    // The tsx CLI runs the script in a child node and stays alive beside it as a process of its own.
    await measure('the tsx CLI\'s own process (beside its child)', ['node_modules/tsx/dist/cli.mjs', '-e', waitForever], 'ready');
    await measure('bare Temporal Worker (same bundle, no activities)', ['--import', 'tsx', 'bench/lib/bare-worker.ts'], 'bare worker started', {
      TEMPORAL_ADDRESS: services.temporalAddress,
      TASK_QUEUE: 'bench-bare-worker',
      WORKFLOW_BUNDLE_PATH: services.workflowBundlePath,
    });
    log('at rest: the production worker (src/worker.ts)');
    const stack = await openImportStack(services, 'worker-at-rest');
    cleanup.add('worker-at-rest', stack.close);
    try {
      const rss = await idleRss(stack.worker.pid);
      log(`at rest: the production worker: ${mib(rss)} MiB`);
      rows.push(['production worker (src/worker.ts, both task queues)', mib(rss)]);
    } finally {
      await cleanup.release('worker-at-rest');
    }
    out.push('Resident memory at rest (median VmRSS over 1 s, 5 s after start)', '', formatTable(['process', 'RSS MiB'], rows), '');
  }
  if (options.imports) {
    const rows: Array<Array<string | number>> = [];
    for (const count of options.files) {
      const repo = `small-${count}`;
      await generateRepo(ctx, repo, smallFiles(count));
      const label = `import-${count}`;
      log(`${label}: fresh worker, importing ${count} files`);
      const stack = await openImportStack(services, label);
      cleanup.add(label, stack.close);
      try {
        const m = await importMeasured(stack, services.github, repo);
        log(`${label}: ${m.files} files in ${seconds(m.wallMs)} s; idle ${mib(m.idle)} MiB, peak ${mib(m.peak)} MiB, peak − idle ${mib(m.peak - m.idle)} MiB`);
        rows.push([m.files, seconds(m.wallMs), mib(m.idle), mib(m.peak), mib(m.sampled), mib(m.peak - m.idle)]);
      } finally {
        await cleanup.release(label);
      }
    }
    out.push('InitialSync of small files (1-2 KiB each), a fresh worker process per size', '');
    out.push(formatTable(['files', 'wall s', 'idle RSS MiB', 'peak RSS MiB (VmHWM)', 'sampled max MiB', 'peak − idle MiB'], rows), '');
  }
  out.push(`Command: ${command}`);
  if (process.env.BENCH_WORKER_NODE_ARGS) out.push(`Worker node args: BENCH_WORKER_NODE_ARGS='${process.env.BENCH_WORKER_NODE_ARGS}'`);
  console.log(`\n${out.join('\n')}`);
});
