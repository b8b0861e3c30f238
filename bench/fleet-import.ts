/**
 * Fleet import benchmark: `--repos` repositories (default 200) of `--min-files` to `--max-files`
 * small files each, behind one GitHub App installation whose emulated primary budget is
 * `--budget` requests an hour, linked as one fleet through the API process and imported by the
 * production worker process. Prints the time the whole fleet took, the GitHub requests made, how
 * many GitHub refused for an exhausted budget (403/429), how many syncs failed, and the latency of
 * one push to a project sent while the fleet is still importing (push → snapshot current).
 *
 * With a budget smaller than the fleet needs (`--budget 500`), it runs until the fleet says
 * `waiting-for-rate-limit` and stops there (a window lasts an hour), printing where every project
 * stands: none may have failed.
 *
 *   node --import tsx bench/fleet-import.ts [--repos 200] [--min-files 50] [--max-files 2000] [--budget 5000] [--max-imports 4]
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import type { GitHubEmulator } from '@reposync/github-emulator';
import type { Fleet, FleetProjectPage, Project } from '../test/support/api-answers.js';
import { ApiClient } from './lib/api-client.js';
import { freePort, startApiProcess } from './lib/api-process.js';
import { fastImport } from './lib/fast-import.js';
import { openImportStack } from './lib/import-stack.js';
import { smallFiles } from './lib/repo-shapes.js';
import { runBench } from './lib/run-bench.js';
import { log } from './lib/scenario.js';
import { formatTable, perSecond, seconds } from './lib/table.js';

const USAGE = 'node --import tsx bench/fleet-import.ts [--repos 200] [--min-files 50] [--max-files 2000] [--budget 5000] [--max-imports 4]';
const APP_ID = 7100;
const ORG = 'fleetbench';
/** The seed design's figure for the same job done by hand-rolled scripts: 180 repositories in about 30 minutes. */
const SEED_MINUTES_FOR_180 = 30;

function options(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      repos: { type: 'string', default: '200' },
      'min-files': { type: 'string', default: '50' },
      'max-files': { type: 'string', default: '2000' },
      budget: { type: 'string', default: '5000' },
      'max-imports': { type: 'string', default: '4' },
    },
  });
  const int = (name: keyof typeof values) => {
    const value = Number(values[name]);
    if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer\n${USAGE}`);
    return value;
  };
  const opts = { repos: int('repos'), minFiles: int('min-files'), maxFiles: int('max-files'), budget: int('budget'), maxImports: int('max-imports') };
  if (opts.minFiles > opts.maxFiles) throw new Error(`--min-files must not exceed --max-files\n${USAGE}`);
  return opts;
}

/** Repository i's file count, spread evenly from the smallest to the largest. */
const filesOf = (i: number, opts: ReturnType<typeof options>) => (opts.repos === 1 ? opts.maxFiles : Math.round(opts.minFiles + ((opts.maxFiles - opts.minFiles) * i) / (opts.repos - 1)));

runBench(
  'bench/fleet-import.ts',
  options,
  async (opts, { services, cleanup, command }) => {
    const { github } = services;
    log(`generating ${opts.repos} repositories of ${opts.minFiles}–${opts.maxFiles} files`);
    let totalFiles = 0;
    for (let i = 0; i < opts.repos; i += 1) {
      const { path: gitDir } = await github.repos.create(ORG, `repo-${String(i).padStart(3, '0')}`, { defaultBranch: 'main' });
      const made = await fastImport(gitDir, smallFiles(filesOf(i, opts)));
      totalFiles += made.files;
    }
    const installationId = github.apps.install(APP_ID, ORG);
    github.rateLimit.setLimit(`installation:${installationId}`, opts.budget);
    log(`${opts.repos} repositories, ${totalFiles} files; installation ${installationId} with ${opts.budget} requests an hour`);

    const secret = randomBytes(32).toString('hex');
    const port = await freePort();
    const stack = await openImportStack(services, 'fleet-import', {
      env: { GITHUB_APP_ID: String(APP_ID), GITHUB_APP_PRIVATE_KEY: github.apps.privateKey(APP_ID), GITHUB_WEBHOOK_SECRET: secret, PUBLIC_URL: `http://127.0.0.1:${port}`, POLL_INTERVAL_SECONDS: '0' },
    });
    cleanup.add('stack', stack.close);
    const apiProcess = await startApiProcess(stack.env, { port, logLevel: 'warn' });
    cleanup.add('api process', apiProcess.stop);
    // The App's events (pushes to its repositories included) reach the API process.
    github.apps.setWebhook(APP_ID, `${apiProcess.url}/api/webhooks/github`, secret);
    const api = new ApiClient(apiProcess.url, stack.auth);

    github.requests.clear();
    const loadBefore = os.loadavg()[0]!;
    const started = performance.now();
    const linked = await api.request<Fleet>('POST', '/api/fleets', { installationId, maxConcurrentImports: opts.maxImports });
    if (linked.status !== 202) throw new Error(`linking the fleet answered ${linked.status}: ${JSON.stringify(linked.json)}`);
    const fleetId = linked.json.id;

    let push: { ms: number; project: string } | null = null;
    let pushing: Promise<void> | null = null;
    let view = linked.json;
    let lastLog = 0;
    let lastSynced = -1;
    let stillSince = performance.now();
    for (;;) {
      await sleep(1_000);
      view = (await api.request<Fleet>('GET', `/api/fleets/${fleetId}`)).json;
      const { counts } = view;
      if (performance.now() - lastLog > 10_000) {
        lastLog = performance.now();
        log(`${seconds(performance.now() - started)} s: ${counts.synced} synced, ${counts.syncing} syncing, ${counts.pending + counts.waiting} waiting, ${counts.failed} failed; budget ${view.rateLimit?.remaining ?? '?'}/${view.rateLimit?.limit ?? '?'} (${view.rateLimit?.state ?? 'unknown'})`);
      }
      // One push to an imported project while the rest of the fleet is still importing.
      if (!pushing && counts.synced >= Math.max(1, Math.floor(counts.total / 5)) && counts.synced < counts.total) {
        pushing = timedPush(api, fleetId, github).then((measured) => {
          push = measured;
          log(`push to ${measured.project}: snapshot current ${measured.ms} ms after the commit`);
        });
      }
      if (view.status === 'ready' && counts.total > 0 && counts.synced + counts.failed === counts.total) break;
      if (counts.synced !== lastSynced) {
        lastSynced = counts.synced;
        stillSince = performance.now();
      }
      // Out of budget: the window lasts an hour, so the benchmark reports where the fleet waits.
      if (view.rateLimit?.state === 'waiting-for-rate-limit' && performance.now() - stillSince > 20_000) break;
    }
    const totalMs = performance.now() - started;
    await pushing;
    const pushed = push as { ms: number; project: string } | null;

    const entries = github.requests.filter();
    const apiRequests = entries.filter((entry) => entry.host === 'api').length;
    const refused = entries.filter((entry) => entry.rateLimited || entry.status === 429).length;
    const projects = await fleetProjects(api, fleetId);
    const waitingProjects = projects.filter((p) => p.sync.status !== 'synced' && p.sync.status !== 'failed');
    const finished = view.counts.synced + view.counts.failed === view.counts.total;
    const rows: Array<Array<string | number>> = [
      ['repositories', opts.repos],
      ['files', totalFiles],
      ['budget (requests/hour)', opts.budget],
      ['imports at once', opts.maxImports],
      [finished ? 'whole fleet imported in' : 'ran for', `${seconds(totalMs)} s`],
      ['projects synced', view.counts.synced],
      ['projects failed', view.counts.failed],
      ['projects waiting for the rate limit', finished ? 0 : waitingProjects.length],
      ['files/s over the fleet', perSecond(view.counts.synced === opts.repos ? totalFiles : 0, totalMs)],
      ['GitHub API requests', apiRequests],
      ['requests GitHub refused (403/429 rate limit)', refused],
      ['budget left (fleet status)', `${view.rateLimit?.remaining ?? '?'} of ${view.rateLimit?.limit ?? '?'}, resets ${view.rateLimit?.resetAt ?? '?'}`],
      ['fleet rate-limit state', `${view.rateLimit?.state ?? '?'}${view.rateLimit?.resumesAt ? ` until ${view.rateLimit.resumesAt}` : ''}, ${view.rateLimit?.waits ?? 0} waits`],
      ['one push during the import: push → snapshot current', pushed ? `${pushed.ms} ms (${pushed.project})` : 'not measured (the fleet finished first)'],
      ['the seed design, for scale', `${SEED_MINUTES_FOR_180} min for 180 repositories = ${((SEED_MINUTES_FOR_180 * 60) / 180).toFixed(1)} s a repository; here ${(totalMs / 1000 / Math.max(view.counts.synced, 1)).toFixed(1)} s`],
    ];
    // What each project's own status says while it waits: the live sync, not the stored row.
    const waitingSample = await Promise.all(
      waitingProjects.slice(0, 3).map(async (p) => {
        const { json: live } = await api.request<{ status: string; phase: string | null; error: { message: string } | null }>('GET', `/api/projects/${p.id}/sync/status`);
        return `  ${p.repo}: ${live.status}${live.phase ? ` (${live.phase})` : ''}${live.error ? ` — ${live.error.message}` : ''}`;
      }),
    );
    const load = `1-min load average ${loadBefore.toFixed(2)} before the fleet, ${os.loadavg()[0]!.toFixed(2)} after; ${os.cpus().length} cores`;
    console.log(`\nFleet import (${command})\n${formatTable(['figure', 'value'], rows)}\n${waitingSample.length ? `projects not synced yet (first 3):\n${waitingSample.join('\n')}\n` : ''}${load}`);
    if (view.counts.failed > 0) process.exitCode = 1;
  },
  undefined,
  { apps: [{ appId: APP_ID }] },
);

/** Commits a change to the first synced project of the fleet and waits until its snapshot holds it. */
async function timedPush(api: ApiClient, fleetId: string, github: GitHubEmulator): Promise<{ ms: number; project: string }> {
  const synced = (await fleetProjects(api, fleetId)).find((p) => p.sync.status === 'synced');
  if (!synced) throw new Error('no synced project to push to');
  const { owner, repo } = synced;
  const started = performance.now();
  // The emulator delivers the push to the App's webhook, as GitHub would.
  const { sha } = await github.repos.commit(owner, repo, { message: 'a push during the fleet import', files: { 'PUSHED.md': `pushed at ${new Date().toISOString()}\n` } });
  await api.waitFor(synced.id, (sync) => sync.lastSyncedSha === sha, { timeoutMs: 300_000, intervalMs: 50 });
  return { ms: Math.round(performance.now() - started), project: `${owner}/${repo}` };
}

async function fleetProjects(api: ApiClient, fleetId: string): Promise<Project[]> {
  const all: Project[] = [];
  for (let cursor: string | null = null, first = true; first || cursor; first = false) {
    const page: FleetProjectPage = (await api.request<FleetProjectPage>('GET', `/api/fleets/${fleetId}/projects?limit=100${cursor ? `&cursor=${cursor}` : ''}`)).json;
    all.push(...page.projects);
    cursor = page.nextCursor;
  }
  return all;
}
