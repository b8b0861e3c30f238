/**
 * Polling failsafe benchmark: N imported projects with no webhook at all,
 * the poll Schedule at a short interval. Reports the GitHub requests (and rate-limit points) an
 * unchanged project costs per poll — target: one conditional request answered 304, costing
 * nothing — then moves the branch of some projects behind reposync's back and times how long the
 * poll takes to bring each snapshot to the new head (target: within one interval).
 *
 *   node --import tsx bench/poll-requests.ts [--projects 50] [--interval 5] [--polls 3] [--moved 5]
 */
import { execFile } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs, promisify } from 'node:util';
import { ApiClient } from './lib/api-client.js';
import { freePort, startApiProcess } from './lib/api-process.js';
import { openImportStack } from './lib/import-stack.js';
import { ms, percentiles } from './lib/percentiles.js';
import { prepareFleet } from './lib/push-fleet.js';
import { log } from './lib/scenario.js';
import { formatTable } from './lib/table.js';
import { runBench } from './lib/run-bench.js';

const run = promisify(execFile);
const USAGE = 'node --import tsx bench/poll-requests.ts [--projects 50] [--interval 5] [--polls 3] [--moved 5]';

function options(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      projects: { type: 'string', default: '50' },
      interval: { type: 'string', default: '5' },
      polls: { type: 'string', default: '3' },
      moved: { type: 'string', default: '5' },
    },
  });
  const int = (name: keyof typeof values, min: number) => {
    const value = Number(values[name]);
    if (!Number.isInteger(value) || value < min) throw new Error(`--${name} must be an integer ≥ ${min}\n${USAGE}`);
    return value;
  };
  const opts = { projects: int('projects', 1), intervalS: int('interval', 1), polls: int('polls', 1), moved: int('moved', 0) };
  if (opts.moved > opts.projects) throw new Error(`--moved cannot exceed --projects\n${USAGE}`);
  return opts;
}

runBench('bench/poll-requests.ts', options, async (opts, { services, cleanup, command }) => {
  // No webhook secret, no PUBLIC_URL: the poll is the only way a push reaches reposync.
  const stack = await openImportStack(services, 'poll-requests', { env: { POLL_INTERVAL_SECONDS: String(opts.intervalS) } });
  cleanup.add('stack', stack.close);
  const apiProcess = await startApiProcess(stack.env, { port: await freePort() });
  cleanup.add('api process', apiProcess.stop);
  const api = new ApiClient(apiProcess.url, stack.auth);
  const fleet = await prepareFleet(services, api, { count: opts.projects, files: 20, pushes: 1 });

  // The first poll after an import stores each branch's ETag; from then on, unchanged is 304.
  log('waiting for a poll to record every ETag');
  for (;;) {
    const missing = await stack.db.selectFrom('projects').select('id').where('branch_etag', 'is', null).execute();
    if (missing.length === 0) break;
    await sleep(200);
  }
  const github = services.github.requests;
  github.clear();
  const watchMs = opts.polls * opts.intervalS * 1000;
  log(`watching ${opts.polls} intervals (${watchMs / 1000} s) with nothing pushed`);
  await sleep(watchMs);
  const idle = github.filter().filter((entry) => entry.host === 'api');
  const branchReads = idle.filter((entry) => entry.route === 'GET /repos/{owner}/{repo}/branches/{branch}');
  const polls = branchReads.length / opts.projects;

  github.clear();
  const moved = fleet.slice(0, opts.moved);
  log(`moving main of ${moved.length} projects without any webhook`);
  const movedAt = performance.now();
  await Promise.all(moved.map((project) => run('git', ['--git-dir', project.gitDir, 'update-ref', 'refs/heads/main', project.commits[0]!.sha])));
  const caught = await Promise.all(
    moved.map(async (project) => {
      await api.waitForSynced(project.projectId, project.commits[0]!.sha, { timeoutMs: (opts.intervalS * 3 + 60) * 1000, intervalMs: 50 });
      return performance.now() - movedAt;
    }),
  );

  const [p50, max] = percentiles(caught, [50, 100]);
  console.log(
    [
      '',
      `Polling failsafe: ${opts.projects} imported projects, no webhooks, Schedule every ${opts.intervalS} s (jitter up to ${Math.min(opts.intervalS / 10, 30)} s)`,
      '',
      formatTable(
        ['unchanged projects, while watching', 'value'],
        [
          ['polls observed (branch reads / projects)', polls.toFixed(2)],
          ['GitHub API requests, all routes', idle.length],
          ['  of them GET branches/{branch}', branchReads.length],
          ['  answered 304 Not Modified', branchReads.filter((entry) => entry.status === 304).length],
          ['rate-limit points spent', idle.reduce((sum, entry) => sum + entry.cost, 0)],
          ['requests per project per poll', (idle.length / opts.projects / Math.max(polls, 1)).toFixed(2)],
        ],
      ),
      '',
      formatTable(
        ['pushes without a webhook', 'n', 'p50', 'max', 'interval'],
        [['branch moved → snapshot at the new head, ms', caught.length, ms(p50 ?? 0), ms(max ?? 0), opts.intervalS * 1000]],
      ),
      '',
      'Command',
      `  ${command}`,
    ].join('\n'),
  );
});
