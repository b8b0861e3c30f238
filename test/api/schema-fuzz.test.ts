import { execFile } from 'node:child_process';
import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness } from '../support/api-harness.js';
import { startGitHubEmulator, type GitHubEmulator } from '@reposync/github-emulator';

const run = promisify(execFile);

/** Installed by scripts/ensure-tools.sh (`ensure-tools.sh schemathesis`). */
const SCHEMATHESIS = path.resolve('.tools/schemathesis');
/** Seeded and bounded, so a run is reproducible and takes about a minute on a busy machine. */
const SEED = 1;
const MAX_EXAMPLES = 40;
const RUN_TIMEOUT_MS = 150_000;

let h: ApiHarness;
/** Routes that read GitHub before answering (linking a fleet) reach this, as they would GitHub. */
let github: GitHubEmulator;
let githubRoot: string;
let address: string;
let reportDir: string;
/** Every 5xx the API answered, seen from inside the server whatever schemathesis reports. */
const serverErrors: string[] = [];

beforeAll(async () => {
  await access(path.join(SCHEMATHESIS, 'bin/st')).catch(() => {
    throw new Error(`schemathesis is not installed in ${SCHEMATHESIS}: run bash scripts/ensure-tools.sh schemathesis`);
  });
  githubRoot = await mkdtemp(path.join(os.tmpdir(), 'reposync-schemathesis-github-'));
  github = await startGitHubEmulator({ root: githubRoot });
  h = await startApiHarness({ GITHUB_API_URL: github.url });
  h.app.addHook('onResponse', async (request, reply) => {
    if (reply.statusCode >= 500) serverErrors.push(`${reply.statusCode} ${request.method} ${request.url}`);
  });
  // Schemathesis is a separate process, so the API listens on a real port.
  address = await h.app.listen({ port: 0, host: '127.0.0.1' });
  reportDir = await mkdtemp(path.join(os.tmpdir(), 'reposync-schemathesis-'));
});
afterAll(async () => {
  await h?.close();
  await github?.close();
  if (githubRoot) await rm(githubRoot, { recursive: true, force: true });
  if (reportDir) await rm(reportDir, { recursive: true, force: true });
});

describe('the API under a schema fuzzer', () => {
  it('answers every request schemathesis derives from the OpenAPI description without a 5xx', async () => {
    const args = [
      path.join(SCHEMATHESIS, 'bin/st'),
      'run',
      `${address}/docs/json`,
      '--url',
      address,
      '--header',
      `Authorization: Bearer ${h.key}`,
      '--checks',
      'not_a_server_error,unsupported_method',
      '--seed',
      String(SEED),
      '--max-examples',
      String(MAX_EXAMPLES),
      '--generation-database',
      'none',
      // One worker: hypothesis compiles lambdas with `ast`, which CPython 3.11 does not guard across threads.
      '--workers',
      '1',
      // The import request itself answers at once without a worker (see projects.test.ts), but the
      // project's writer it starts has no worker here to answer queries: that project's status and
      // event routes then wait out their query deadlines, more than this run's time budget allows.
      // The project event stream never ends while its client listens, so every request to it for a
      // project schemathesis has linked would wait out the request timeout; its own tests cover it.
      '--exclude-path-regex',
      '/sync/initial$|/projects/[^/]+/events$',
      '--request-timeout',
      '10',
      '--no-color',
      '--report',
      'junit',
      '--report-junit-path',
      path.join(reportDir, 'junit.xml'),
    ];
    const started = Date.now();
    const outcome = await run('python3', args, { cwd: reportDir, env: { ...process.env, PYTHONPATH: SCHEMATHESIS }, timeout: RUN_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 }).then(
      ({ stdout }) => ({ code: 0, stdout }),
      (failure: { code?: number; stdout?: string; stderr?: string }) => ({ code: failure.code ?? -1, stdout: `${failure.stdout ?? ''}\n${failure.stderr ?? ''}` }),
    );
    const junit = await readFile(path.join(reportDir, 'junit.xml'), 'utf8').catch(() => '');
    console.log(`schemathesis: exit ${outcome.code} after ${Math.round((Date.now() - started) / 1000)} s\n${quoteToolOutput(outcome.stdout.split('\n').slice(-25))}`);

    // Joined, so a failure names each request that got a 5xx.
    expect(serverErrors.join('\n'), 'the API answered with 5xx').toBe('');
    expect(junit, 'schemathesis wrote no report').toMatch(/<testsuites?/);
    expect(outcome.code, outcome.stdout).toBe(0);
  }, RUN_TIMEOUT_MS + 30_000);
});

/**
 * Schemathesis closes with a pytest-style banner ("=== 3 warnings in 25 s ==="). Echoed verbatim, CI's
 * log readers take that banner for the test run's own closing line, one that ran no test; so the
 * banner loses its rules and its duration's pytest spelling, and every line is quoted behind a margin.
 */
function quoteToolOutput(lines: string[]): string {
  return lines.map((line) => `  | ${line.replace(/^=+\s*(.*?)\s*=+$/, '$1').replace(/ in (\d+(?:\.\d+)?)s$/, ' in $1 seconds')}`).join('\n');
}
