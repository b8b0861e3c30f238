/**
 * OutboundSync request budget: commits N small text files (N = 1, 100, 1000
 * by default) through POST /api/projects/:id/outbound — the API in this process, the production
 * worker as a process of its own, the GitHub emulator, PostgreSQL, S3 and a Temporal dev server —
 * and prints the GitHub requests each commit took, by route, beside the contents API's one
 * request per file (PUT /repos/{owner}/{repo}/contents/{path}: a commit per file, and a GET
 * first for each file that already exists, since an update must name the blob it replaces).
 *
 *   node --import tsx bench/outbound-requests.ts [--sizes 1,100,1000]
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Operation, OutboundAccepted, Project, ProjectView } from '../test/support/api-answers.js';
import { openImportStack, type ImportStack } from './lib/import-stack.js';
import { log } from './lib/scenario.js';
import { formatTable, seconds } from './lib/table.js';
import { runBench } from './lib/run-bench.js';

const OWNER = 'bench';
const REPO = 'outbound';

function parseSizes(argv: string[]): number[] {
  const index = argv.indexOf('--sizes');
  const raw = index >= 0 ? argv[index + 1] : undefined;
  const sizes = (raw ?? '1,100,1000').split(',').map(Number);
  if (sizes.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`--sizes takes positive integers, e.g. 1,100,1000 (got ${raw})`);
  return sizes;
}

async function waitFor<T>(what: string, read: () => Promise<T | undefined>, timeoutMs = 300_000): Promise<T> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await sleep(100)) {
    const value = await read();
    if (value !== undefined) return value;
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function linkAndImport(stack: ImportStack, token: string): Promise<string> {
  const linked = await stack.app.inject({ method: 'POST', url: '/api/projects', headers: stack.auth, payload: { owner: OWNER, repo: REPO, token } });
  if (linked.statusCode !== 201) throw new Error(`link failed: ${linked.statusCode} ${linked.body}`);
  const { id } = linked.json<Project>();
  await stack.app.inject({ method: 'POST', url: `/api/projects/${id}/sync/initial`, headers: stack.auth });
  await waitFor('the initial sync', async () => {
    const project = (await stack.app.inject({ method: 'GET', url: `/api/projects/${id}`, headers: stack.auth })).json<ProjectView>();
    if (project.sync.status === 'failed') throw new Error('initial sync failed');
    return project.sync.status === 'synced' ? true : undefined;
  });
  return id;
}

runBench('bench/outbound-requests.ts', parseSizes, async (sizes, { services, cleanup, command }) => {
  const { github } = services;
  await github.repos.create(OWNER, REPO, { defaultBranch: 'main' });
  await github.repos.commit(OWNER, REPO, { message: 'seed', files: { 'README.md': '# outbound benchmark\n' } });
  const stack = await openImportStack(services, 'outbound');
  cleanup.add('stack', stack.close);
  const projectId = await linkAndImport(stack, github.token);

  const rows: Array<Array<string | number>> = [];
  const routes: string[] = [];
  for (const n of sizes) {
    const changes = Array.from({ length: n }, (_, i) => ({ path: `edits/n${n}/file-${String(i).padStart(4, '0')}.md`, content: `# file ${i} of ${n}\n\nwritten by the outbound benchmark\n` }));
    github.requests.clear();
    const started = Date.now();
    const response = await stack.app.inject({ method: 'POST', url: `/api/projects/${projectId}/outbound`, headers: stack.auth, payload: { message: `Add ${n} files`, mode: 'direct_commit', changes } });
    if (response.statusCode !== 202) throw new Error(`outbound refused: ${response.statusCode} ${response.body}`);
    const accepted = Date.now() - started;
    const { operationId } = response.json<OutboundAccepted>();
    const operation = await waitFor(`operation ${operationId}`, async () => {
      const op = (await stack.app.inject({ method: 'GET', url: `/api/projects/${projectId}/operations/${operationId}`, headers: stack.auth })).json<Operation>();
      return op.status === 'succeeded' || op.status === 'failed' ? op : undefined;
    });
    if (operation.status !== 'succeeded') throw new Error(`outbound of ${n} files failed: ${JSON.stringify(operation.error)}`);
    const elapsed = Date.now() - started;
    const byRoute = github.requests.byRoute();
    const total = github.requests.count();
    routes.push(`N=${n}: ${Object.entries(byRoute).map(([route, count]) => `${count} × ${route}`).join(', ')}\n  answered at (ms after the POST): ${github.requests.filter().map((r) => `${r.route.split(' ')[0]} ${r.route.split('/').at(-1)} +${r.at - started}`).join(', ')}`);
    rows.push([n, total, operation.apiRequests, n, 2 * n, seconds(accepted), seconds(elapsed)]);
    log(`N=${n}: ${total} GitHub requests in ${seconds(elapsed)} s`);
  }

  console.log(`\n${command}\n`);
  console.log(
    formatTable(
      ['files (N)', 'reposync: GitHub requests', 'recorded on the operation', 'contents API: new files', 'contents API: updates (GET + PUT)', 'API answered (s)', 'committed (s)'],
      rows,
    ),
  );
  console.log(`\n${routes.join('\n')}`);
  console.log('\nreposync: repository + branch + one create-tree (text inline) + commit + ref update, whatever N up to the tree limit;');
  console.log('the contents API writes one commit per file (https://docs.github.com/rest/repos/contents#create-or-update-file-contents).');
});
