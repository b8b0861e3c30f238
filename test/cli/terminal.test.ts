import { freePort } from '../../src/embedded/wait-for-port.js';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Operation } from '../support/api-answers.js';
import { fastImportCommit, type FastImportFile } from '../support/fast-import.js';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';
import { openTerminalSession, type TerminalSession } from '../support/terminal-session.js';
import { git } from '../support/git-cli.js';
import { memoryCliIo } from '../support/memory-cli-io.js';
import { runCli } from '../../src/cli/run-cli.js';

let h: SyncHarness;
let terminal: TerminalSession;
let home: string;
let url: string;


/** Enough files and bytes that the import takes a few seconds, so the bar is seen moving. */
function* bigRepository(): Generator<FastImportFile> {
  yield { path: 'README.md', content: '# big\n\nA repository to import.\n' };
  for (let index = 0; index < 3000; index += 1) {
    yield { path: `docs/part-${String(index).padStart(4, '0')}.md`, content: `# Part ${index}\n\n${randomBytes(3000).toString('base64')}\n` };
  }
}

beforeAll(async () => {
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  h = await startSyncHarness({ env: { PUBLIC_URL: url } });
  await h.app.listen({ port, host: '127.0.0.1' });
  await h.github.repos.create('octo', 'big', {});
  await fastImportCommit(h.github.repos.path('octo', 'big'), 'main', bigRepository());
  home = await mkdtemp(path.join(os.tmpdir(), 'reposync-cli-home-'));
  terminal = await openTerminalSession({
    cwd: process.cwd(),
    env: { HOME: home, XDG_CONFIG_HOME: path.join(home, 'config'), PATH: process.env.PATH ?? '', TERM: 'xterm-256color', TEST_KEY: h.key, GITHUB_TOKEN: h.github.token },
  });
}, 180_000);

afterAll(async () => {
  await terminal?.close();
  await h?.close();
  if (home) await rm(home, { recursive: true, force: true });
});

describe('reposync in a terminal, against the running service', () => {
  it('logs in with the key on stdin and keeps it in a file only its owner can read', async () => {
    const login = await terminal.run(`echo "$TEST_KEY" | npx reposync login --url ${url}`);
    expect(login.exitCode).toBe(0);
    expect(login.printed).toContain(`logged in to ${url} (0 projects)`);
    const file = path.join(home, 'config', 'reposync', 'config.json');
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ url, apiKey: h.key });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('links a repository of the emulator and prints the project id', async () => {
    const linked = await terminal.run('npx reposync link octo/big --token "$GITHUB_TOKEN"');
    expect(linked.exitCode).toBe(0);
    expect(linked.printed.trim()).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('shows a live progress bar during the initial import, ending with the synced line', async () => {
    const synced = await terminal.run('npx reposync sync --initial octo/big', 120_000);
    expect(synced.exitCode, synced.screens.at(-1)).toBe(0);
    const barScreens = synced.screens.filter((screen) => /[█░]{10,} +\d+(\.\d)?% \| \d+\/\d+ files \| .+ \| ETA /.test(screen));
    expect(barScreens.length, synced.screens.join('\n-----\n')).toBeGreaterThan(0);
    // The bar moved: it was seen short of the end before the sync finished.
    const percents = barScreens.map((screen) => Number(/ (\d+(?:\.\d)?)% \|/.exec(screen)![1]));
    expect(Math.min(...percents), synced.screens.join('\n-----\n')).toBeLessThan(100);
    const head = (await git(h.github.repos.path('octo', 'big'), ['rev-parse', 'refs/heads/main'])).trim();
    expect(synced.screens.at(-1)).toMatch(new RegExp(`synced octo/big at ${head.slice(0, 7)} \\(3001 files, `));
    expect(synced.screens.at(-1)).toMatch(/█{30} 100% \| 3001\/3001 files \| .+ \| ETA 0s \| synced\n/);
  });

  it('lists a directory and prints a file byte for byte', async () => {
    const listed = await terminal.run('npx reposync ls octo/big docs | head -3');
    expect(listed.exitCode, listed.printed).toBe(0);
    expect(listed.printed).toMatch(/^100644 +\d+ {2}docs\/part-0000\.md\n100644 +\d+ {2}docs\/part-0001\.md\n100644 +\d+ {2}docs\/part-0002\.md$/);
    const printed = await terminal.run('npx reposync cat octo/big README.md');
    expect(printed.exitCode, printed.printed).toBe(0);
    // The screen shows the lines; the redirect below checks the bytes.
    expect(printed.printed).toBe('# big\n\nA repository to import.');
    const copied = path.join(home, 'part-0042.md');
    expect((await terminal.run(`npx reposync cat octo/big docs/part-0042.md > ${copied}`)).exitCode).toBe(0);
    expect(await readFile(copied, 'utf8')).toBe(await git(h.github.repos.path('octo', 'big'), ['show', 'main:docs/part-0042.md']));
  });

  it('commits an edit back to GitHub and prints the commit', async () => {
    const local = path.join(home, 'README.md');
    await writeFile(local, '# big\n\nEdited from the command line.\n');
    const edited = await terminal.run(`npx reposync edit octo/big -m "Edit the readme" README.md=${local} --delete docs/part-0001.md --mode direct_commit`);
    expect(edited.exitCode, edited.printed).toBe(0);
    const gitDir = h.github.repos.path('octo', 'big');
    const head = (await git(gitDir, ['rev-parse', 'refs/heads/main'])).trim();
    expect(edited.printed.trim()).toBe(`committed ${head} to octo/big@main`);
    expect(await git(gitDir, ['show', 'main:README.md'])).toBe('# big\n\nEdited from the command line.\n');
    expect(await git(gitDir, ['log', '-1', '--format=%s', 'main'])).toBe('Edit the readme\n');
  });

  it('prints JSON with --json', async () => {
    const status = await terminal.run('npx reposync --json status octo/big');
    expect(status.exitCode).toBe(0);
    expect(JSON.parse(status.printed)).toMatchObject({ project: { owner: 'octo', repo: 'big' }, sync: { status: 'synced', lastOutbound: { status: 'succeeded' } } });
    const log = await terminal.run('npx reposync log octo/big --json');
    expect(log.exitCode).toBe(0);
    const operations = JSON.parse(log.printed) as Operation[];
    expect(operations.map((operation) => [operation.kind, operation.status])).toEqual([
      ['outbound', 'succeeded'],
      ['initial', 'succeeded'],
    ]);
  });

  it('prints plain lines, no bar, when stdout is not a terminal, and follows an incremental sync to the pushed head', async () => {
    await h.github.repos.commit('octo', 'big', { message: 'more', files: { 'docs/new.md': '# New\n' } });
    const head = (await git(h.github.repos.path('octo', 'big'), ['rev-parse', 'refs/heads/main'])).trim();
    const io = memoryCliIo({ HOME: home, REPOSYNC_URL: url, REPOSYNC_API_KEY: h.key });
    const started = Date.now();
    expect(await runCli(['sync', 'octo/big'], io), io.err()).toBe(0);
    const lines = io.out().trim().split('\n');
    expect(lines.at(-1)).toMatch(new RegExp(`^synced octo/big at ${head.slice(0, 7)}`));
    expect(io.out()).not.toContain("\u001b[");
    expect(io.out()).not.toMatch(/[█░]/);
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('exits 2 on bad usage and 3 when the API refuses the key, each with one line naming the problem', async () => {
    const usage = await terminal.run('npx reposync sync');
    expect(usage.exitCode).toBe(2);
    expect(usage.printed.trim()).toBe("error: missing required argument 'project'");
    const refused = await terminal.run('REPOSYNC_API_KEY=rsk_not_a_key npx reposync status');
    expect(refused.exitCode).toBe(3);
    expect(refused.printed.trim()).toMatch(/^reposync: list projects: the API refused the key \(401\): .+; run `reposync login`$/);
  });
});
