/**
 * Poll coverage at fleet scale: N imported projects (default 10,000), seeded straight into the
 * database, the poll's Schedule at a short interval. Shows, for each of R whole rounds, how many
 * projects the poll read exactly once, never or more than once (target: every project exactly
 * once per interval), how late each read was against the project's slot, how evenly the requests
 * spread over the interval, and the GitHub requests each round cost. Each project follows a
 * branch of its own, so every request names the one project it is for; each tenant has a token
 * of its own (its own rate-limit budget). The first round reads every branch afresh (200); from
 * the second on, each read is conditional and answered 304.
 *
 *   npm run bench:poll-coverage -- [--projects 10000] [--repositories 100] [--interval 60] [--rounds 3] [--concurrency 16]
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { createSecretBox } from '../src/crypto/secret-box.js';
import { pollScheduleId } from '../src/temporal/poll-schedule.js';
import { slotDueOffsetMs } from '../src/sync/poll-slots.js';
import { seedPolledProjects } from '../test/support/seed-polled-projects.js';
import { openImportStack } from './lib/import-stack.js';
import { ms, percentiles } from './lib/percentiles.js';
import { runBench } from './lib/run-bench.js';
import { log } from './lib/scenario.js';
import { formatTable } from './lib/table.js';

const USAGE = 'npm run bench:poll-coverage -- [--projects 10000] [--repositories 100] [--interval 60] [--rounds 3] [--concurrency 16]';

function options(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      projects: { type: 'string', default: '10000' },
      repositories: { type: 'string', default: '100' },
      interval: { type: 'string', default: '60' },
      rounds: { type: 'string', default: '3' },
      concurrency: { type: 'string', default: '16' },
    },
  });
  const int = (name: keyof typeof values, min: number) => {
    const value = Number(values[name]);
    if (!Number.isInteger(value) || value < min) throw new Error(`--${name} must be an integer ≥ ${min}\n${USAGE}`);
    return value;
  };
  const opts = { projects: int('projects', 1), repositories: int('repositories', 1), intervalS: int('interval', 1), rounds: int('rounds', 2), concurrency: int('concurrency', 1) };
  if (opts.repositories > opts.projects) throw new Error(`--repositories cannot exceed --projects\n${USAGE}`);
  return opts;
}

runBench('bench/poll-coverage.ts', options, async (opts, { services, cleanup, command }) => {
  const intervalMs = opts.intervalS * 1000;
  const stack = await openImportStack(services, 'poll-coverage', { env: { POLL_INTERVAL_SECONDS: String(opts.intervalS), POLL_CONCURRENCY: String(opts.concurrency), METADATA_POLL_INTERVAL_SECONDS: '0' } });
  cleanup.add('stack', stack.close);
  const taskQueue = stack.env.TEMPORAL_TASK_QUEUE!;

  log(`seeding ${opts.projects} projects over ${opts.repositories} repositories straight into the database`);
  const seedStarted = performance.now();
  const secrets = createSecretBox(Buffer.from(stack.env.REPOSYNC_ENCRYPTION_KEY!, 'hex'));
  const projects = await seedPolledProjects({ db: stack.db, github: services.github, secrets }, { count: opts.projects, repositories: opts.repositories, owner: 'fleet', branchPerProject: true, tokenPerTenant: true });
  const seedMs = performance.now() - seedStarted;

  // The Schedule would start the poll at its next interval; start it now instead (a poll its
  // Schedule started while the projects were being seeded goes on; only the rounds that begin
  // after the seeding count, since the one under way may have missed projects seeded late).
  const seededAt = Date.now();
  services.github.requests.clear();
  await stack.temporal.schedule.getHandle(pollScheduleId(taskQueue)).trigger();
  log(`poll started; watching ${opts.rounds} whole rounds of ${opts.intervalS} s`);
  const roundStarts: number[] = [];
  let maxBehindMs = 0;
  let row;
  for (;;) {
    row = await stack.db.selectFrom('poll_cursors').selectAll().where('task_queue', '=', taskQueue).executeTakeFirst();
    if (row) {
      const start = row.round_started_at.getTime();
      if (start >= seededAt && roundStarts.at(-1) !== start) roundStarts.push(start);
      if (roundStarts.length > 0) maxBehindMs = Math.max(maxBehindMs, Date.now() - row.next_due_at.getTime());
      if (roundStarts.length > opts.rounds) break;
    }
    await sleep(250);
  }

  const { info: schedule } = await stack.temporal.schedule.getHandle(pollScheduleId(taskQueue)).describe();
  const pathOf = new Map(projects.map((project) => [`/repos/${project.owner}/${project.repo}/branches/${project.branch}`, project]));
  const requests = services.github.requests.filter().filter((entry) => entry.host === 'api');
  const rows: Array<Array<string | number>> = [];
  const costRows: Array<Array<string | number>> = [];
  for (let round = 0; round < opts.rounds; round++) {
    const [start, end] = [roundStarts[round]!, roundStarts[round + 1]!];
    const readsOf = new Map<string, number>();
    const lateness: number[] = [];
    for (const entry of requests) {
      const project = pathOf.get(entry.path);
      if (!project) continue;
      const due = start + slotDueOffsetMs(project.pollSlot, intervalMs);
      // A project's round runs from its own offset in this round to its offset in the next.
      if (entry.at < due - 5 || entry.at >= end + (due - start) - 5) continue;
      readsOf.set(project.id, (readsOf.get(project.id) ?? 0) + 1);
      lateness.push(entry.at - due);
    }
    const counts = [0, 0, 0];
    for (const project of projects) counts[Math.min(readsOf.get(project.id) ?? 0, 2)]! += 1;
    const [p50, p99, max] = percentiles(lateness, [50, 99, 100]);
    rows.push([round + 1, ((end - start) / 1000).toFixed(1), counts[1]!, counts[0]!, counts[2]!, ms(p50!), ms(p99!), ms(max!)]);

    const inRound = requests.filter((entry) => entry.at >= start && entry.at < end);
    const perSecond = new Map<number, number>();
    for (const entry of inRound) perSecond.set(Math.floor((entry.at - start) / 1000), (perSecond.get(Math.floor((entry.at - start) / 1000)) ?? 0) + 1);
    const buckets = Array.from({ length: Math.ceil((end - start) / 1000) }, (_, second) => perSecond.get(second) ?? 0);
    costRows.push([
      round + 1,
      inRound.length,
      inRound.filter((entry) => entry.status === 304).length,
      inRound.filter((entry) => entry.status === 200).length,
      inRound.filter((entry) => entry.status !== 200 && entry.status !== 304).length,
      inRound.reduce((sum, entry) => sum + entry.cost, 0),
      `${Math.min(...buckets)} / ${(inRound.length / buckets.length).toFixed(0)} / ${Math.max(...buckets)}`,
    ]);
  }

  console.log(
    [
      '',
      `Poll coverage: ${opts.projects} projects (${opts.repositories} repositories, a branch per project), interval ${opts.intervalS} s, POLL_CONCURRENCY ${opts.concurrency}; seeded in ${(seedMs / 1000).toFixed(1)} s`,
      '',
      formatTable(['round', 'length, s', 'projects read once', 'never', 'twice or more', 'late p50, ms', 'late p99, ms', 'late max, ms'], rows),
      '',
      formatTable(['round', 'GitHub requests', '304', '200', 'other', 'rate-limit points', 'requests per second min / mean / max'], costRows),
      '',
      `overruns: ${row.overruns}; most behind seen: ${(Math.max(maxBehindMs, 0) / 1000).toFixed(1)} s; Schedule: ${schedule.numActionsTaken} poll starts, ${schedule.numActionsSkippedOverlap} skipped while a poll ran`,
      '',
      'Command',
      `  ${command}`,
    ].join('\n'),
  );
});
