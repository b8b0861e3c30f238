/**
 * Issue webhook → API benchmark: an issue of a repository of the GitHub emulator is edited through
 * its REST API, N times; the repository's hook (registered by linking, with its own secret) delivers
 * the signed `issues.edited` event to the API, a process of its own on loopback; each edit is timed
 * until GET /api/projects/:id/issues/1 shows the new title (target p50 under 500 ms). PostgreSQL,
 * SeaweedFS, Temporal and a worker process are real; polling is off, so only the webhook brings
 * the change; everything stops itself.
 *
 *   node --import tsx bench/issue-webhook.ts [--edits 50] [--gap-ms 200] [--poll-ms 5]
 */
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import type { IssueDetail } from '../test/support/api-answers.js';
import { ApiClient } from './lib/api-client.js';
import { freePort, startApiProcess } from './lib/api-process.js';
import { openImportStack } from './lib/import-stack.js';
import { ms, percentiles } from './lib/percentiles.js';
import { runBench } from './lib/run-bench.js';
import { log } from './lib/scenario.js';
import { formatTable } from './lib/table.js';

const USAGE = 'node --import tsx bench/issue-webhook.ts [--edits 50] [--gap-ms 200] [--poll-ms 5]';
const OWNER = 'bench';
const REPO = 'issue-webhook';

function options(argv: string[]) {
  const { values } = parseArgs({ args: argv, options: { edits: { type: 'string', default: '50' }, 'gap-ms': { type: 'string', default: '200' }, 'poll-ms': { type: 'string', default: '5' } } });
  const whole = (name: string, raw: string, min: number) => {
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min) throw new Error(`--${name} must be a whole number of at least ${min}, got "${raw}"\n${USAGE}`);
    return value;
  };
  return { edits: whole('edits', values.edits, 1), gapMs: whole('gap-ms', values['gap-ms'], 0), pollMs: whole('poll-ms', values['poll-ms'], 1) };
}

runBench('bench/issue-webhook.ts', options, async (opts, { services, cleanup, command }) => {
  const { github } = services;
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  // PUBLIC_URL: linking registers the repository's hook for the metadata events too; no poll.
  const stack = await openImportStack(services, 'issue-webhook', { env: { PUBLIC_URL: publicUrl, POLL_INTERVAL_SECONDS: '0' } });
  cleanup.add('stack', stack.close);
  const apiProcess = await startApiProcess(stack.env, { port });
  cleanup.add('api process', apiProcess.stop);
  const api = new ApiClient(apiProcess.url, stack.auth);

  await github.repos.create(OWNER, REPO, { defaultBranch: 'main' });
  await github.repos.commit(OWNER, REPO, { message: 'initial', files: { 'README.md': '# issue webhook\n' } });
  const project = await api.link(OWNER, REPO, github.token);
  const gitHubApi = (method: string, path: string, body: unknown) =>
    fetch(`${github.url}${path}`, { method, headers: { authorization: `token ${github.token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const opened = await gitHubApi('POST', `/repos/${OWNER}/${REPO}/issues`, { title: 'edit 0', body: 'timed by bench/issue-webhook.ts' });
  if (opened.status !== 201) throw new Error(`opening the issue answered ${opened.status}`);
  await titleShown(api, project.id, 'edit 0', opts.pollMs);
  log(`linked ${OWNER}/${REPO}; the opened issue arrived by webhook`);

  const loadBefore = os.loadavg()[0]!;
  const totals: number[] = [];
  const edits: number[] = [];
  for (let i = 1; i <= opts.edits; i += 1) {
    await sleep(opts.gapMs);
    const title = `edit ${i}`;
    const started = performance.now();
    const edited = await gitHubApi('PATCH', `/repos/${OWNER}/${REPO}/issues/1`, { title });
    const answered = performance.now();
    if (edited.status !== 200) throw new Error(`editing the issue answered ${edited.status}`);
    await titleShown(api, project.id, title, opts.pollMs);
    totals.push(performance.now() - started);
    edits.push(answered - started);
  }
  const load = `1-min load average ${loadBefore.toFixed(2)} before the edits, ${os.loadavg()[0]!.toFixed(2)} after`;
  const row = (label: string, values: number[]) => [label, values.length, ...percentiles(values, [50, 90, 100]).map(ms), ms(values.reduce((sum, value) => sum + value, 0) / values.length)];
  console.log(
    [
      '',
      `Issue webhook → API: ${opts.edits} edits of one issue through the emulator's REST API, ${opts.gapMs} ms apart; its hook delivers the signed issues.edited event`,
      `(API process on loopback, PostgreSQL, SeaweedFS, Temporal, one worker process; the API polled every ${opts.pollMs} ms; ${os.cpus().length} cores, ${load})`,
      '',
      formatTable(['ms', 'n', 'p50', 'p90', 'max', 'mean'], [row('edit sent → GET /issues/1 shows it', totals), row('  the emulator answering the edit', edits)]),
      '',
      'Command',
      `  ${command}`,
    ].join('\n'),
  );
});

/** Polls the API until issue 1 carries `title`. */
async function titleShown(api: ApiClient, projectId: string, title: string, pollMs: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { status, json } = await api.request<Partial<IssueDetail>>('GET', `/api/projects/${projectId}/issues/1`);
    if (status === 200 && json.issue?.title === title) return;
    if (Date.now() > deadline) throw new Error(`issue 1 never showed "${title}" (last answer ${status}: ${JSON.stringify(json)})`);
    await sleep(pollMs);
  }
}
