/**
 * Metadata sync benchmark: a repository with `--issues` issues, `--comments` comments per issue
 * and `--commits` commits, imported by MetadataSync through the production worker process.
 * Prints, per phase, the GitHub requests made beside the minimum the pagination allows
 * (ceil(items / 100) per listing), the time and rows/s; then runs again with nothing changed
 * and prints the requests, how many were 304s, and the rate-limit points they cost.
 *
 *   node --import tsx bench/metadata-sync.ts [--issues 2000] [--comments 5] [--commits 5000]
 */
import { parseArgs } from 'node:util';
import type { MetadataSyncResult } from '../src/shared/metadata-sync.js';
import { startMetadataSync } from '../src/temporal/metadata-sync.js';
import { appendCommits } from '@reposync/github-emulator/testing';
import type { Project } from '../test/support/api-answers.js';
import { openImportStack } from './lib/import-stack.js';
import { runBench } from './lib/run-bench.js';
import { log } from './lib/scenario.js';
import { formatTable } from './lib/table.js';

const USAGE = 'node --import tsx bench/metadata-sync.ts [--issues 2000] [--comments 5] [--commits 5000]';
const PER_PAGE = 100;

function options(argv: string[]) {
  const { values } = parseArgs({ args: argv, options: { issues: { type: 'string', default: '2000' }, comments: { type: 'string', default: '5' }, commits: { type: 'string', default: '5000' } } });
  const int = (name: keyof typeof values) => {
    const value = Number(values[name]);
    if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer\n${USAGE}`);
    return value;
  };
  return { issues: int('issues'), comments: int('comments'), commits: int('commits') };
}

runBench('bench/metadata-sync.ts', options, async (opts, { services, cleanup, command }) => {
  const stack = await openImportStack(services, 'metadata-sync');
  cleanup.add('stack', stack.close);
  const { github } = services;
  log(`seeding ${opts.issues} issues, ${opts.issues * opts.comments} comments, ${opts.commits} commits`);
  await github.repos.create('bench', 'meta');
  await github.repos.commit('bench', 'meta', { message: 'initial', files: { 'a.txt': 'a\n' } });
  await appendCommits(github.repos.path('bench', 'meta'), 'main', opts.commits - 1);
  await github.repos.seedIssues('bench', 'meta', { issues: opts.issues, commentsPerIssue: opts.comments });
  const linked = await stack.app.inject({ method: 'POST', url: '/api/projects', headers: stack.auth, payload: { owner: 'bench', repo: 'meta', token: github.token } });
  if (linked.statusCode !== 201) throw new Error(`link failed: ${linked.statusCode} ${linked.body}`);
  const projectId = linked.json<Project>().id;
  const config = { temporal: { taskQueue: stack.env.TEMPORAL_TASK_QUEUE! }, syncMaxAttempts: 8 } as Parameters<typeof startMetadataSync>[1];

  async function run(): Promise<{ result: MetadataSyncResult; ms: number; cost: number }> {
    github.requests.clear();
    const started = performance.now();
    const { workflowId } = await startMetadataSync(stack.temporal, config, projectId);
    const result = (await stack.temporal.workflow.getHandle(workflowId).result()) as MetadataSyncResult;
    const ms = performance.now() - started;
    const cost = github.requests.filter().filter((e) => e.host === 'api').reduce((n, e) => n + e.cost, 0);
    return { result, ms, cost };
  }

  log('full metadata import');
  const full = await run();
  const minimum: Record<string, number> = {
    branches: 1,
    tags: 1,
    commits: Math.ceil(opts.commits / PER_PAGE),
    issues: Math.ceil(opts.issues / PER_PAGE),
    pulls: 1,
    comments: Math.ceil((opts.issues * opts.comments) / PER_PAGE),
    reviewComments: 1,
    releases: 1,
  };
  const rows = full.result.phases.reduce((n, p) => n + p.rowsWritten, 0);
  const requests = full.result.phases.reduce((n, p) => n + p.requests, 0);
  const least = Object.values(minimum).reduce((a, b) => a + b, 0);
  log('unchanged repository: a second run');
  const idle = await run();
  const idleRequests = idle.result.phases.reduce((n, p) => n + p.requests, 0);
  const idle304 = idle.result.phases.reduce((n, p) => n + p.notModified, 0);

  console.log(`\nFull import (${opts.issues} issues, ${opts.issues * opts.comments} comments, ${opts.commits} commits)`);
  console.log(formatTable(['phase', 'requests', 'minimum', 'rows written'], full.result.phases.map((p) => [p.phase, String(p.requests), String(minimum[p.phase]), String(p.rowsWritten)])));
  console.log(`total: ${requests} requests (minimum ${least}, +${(((requests - least) / least) * 100).toFixed(1)} %), ${rows} rows in ${(full.ms / 1000).toFixed(1)} s = ${Math.round(rows / (full.ms / 1000))} rows/s, ${full.cost} rate-limit points`);
  console.log(`\nUnchanged repository: ${idleRequests} requests, ${idle304} answered 304, ${idle.cost} rate-limit points, ${idle.result.phases.reduce((n, p) => n + p.rowsWritten, 0)} rows written, ${(idle.ms / 1000).toFixed(2)} s`);
  console.log(`\n${command}`);
});
