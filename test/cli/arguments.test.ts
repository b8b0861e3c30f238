import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import { memoryCliIo } from '../support/memory-cli-io.js';

let home: string;
let closedUrl: string;
/** A user who never logged in: an empty config directory, no REPOSYNC_* variables. */
const loggedOut = () => memoryCliIo({ HOME: home, XDG_CONFIG_HOME: path.join(home, 'config') });

beforeAll(async () => {
  home = await mkdtemp(path.join(os.tmpdir(), 'reposync-cli-args-'));
  // A port that was free a moment ago: nothing listens there.
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closedUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  await new Promise((resolve) => server.close(resolve));
});
afterAll(() => rm(home, { recursive: true, force: true }));

describe('argument handling', () => {
  it('prints the help with every command and exits 0', async () => {
    const io = loggedOut();
    expect(await runCli(['--help'], io)).toBe(0);
    for (const command of ['login', 'link', 'sync', 'status', 'ls', 'cat', 'log', 'edit']) expect(io.out()).toMatch(new RegExp(`^  ${command} `, 'm'));
    expect(io.out()).toContain('Exit codes: 0 ok, 1 failed sync or operation, 2 bad usage, 3 not logged in or key refused.');
  });

  it.each([
    [['frob'], "error: unknown command 'frob'"],
    [['sync'], "error: missing required argument 'project'"],
    [['sync', 'octo/x', '--fast'], "error: unknown option '--fast'"],
    [['edit', 'octo/x', 'a.md=a.md'], "error: required option '-m, --message <message>' not specified"],
    [['edit', 'octo/x', '-m', 'x', '--mode', 'force'], "error: option '--mode <mode>' argument 'force' is invalid. Allowed choices are direct_commit, protected_pr, hybrid."],
  ])('exits 2 on %j, naming the problem in one line', async (argv, message) => {
    const io = loggedOut();
    expect(await runCli(argv, io)).toBe(2);
    expect(io.err().trim().split('\n')[0]).toBe(message);
    expect(io.out()).toBe('');
  });

  it.each([
    [['link', 'octo'], 'reposync: repository "octo": expected owner/repo'],
    [['link', 'octo/x', '--installation', 'twelve'], 'reposync: --installation twelve: expected a GitHub App installation id (a positive integer)'],
    [['link', 'octo/x', '--installation', '1', '--token', 't'], 'reposync: give either --token or --installation, not both'],
    [['edit', 'octo/x', '-m', 'x'], 'reposync: nothing to edit: give <path>=<local file> or --delete <path>'],
    [['edit', 'octo/x', '-m', 'x', 'README.md'], 'reposync: "README.md": expected <path>=<local file>'],
    [['edit', 'octo/x', '-m', 'x', 'README.md=/no/such/file'], 'reposync: /no/such/file: cannot read it (ENOENT)'],
    [['login', '--url', 'localhost:3000', '--key', 'k'], 'reposync: --url localhost:3000: expected an http(s) URL such as http://127.0.0.1:3000'],
  ])('exits 2 on the malformed arguments %j before asking the API', async (argv, message) => {
    const io = loggedOut();
    expect(await runCli(argv, io)).toBe(2);
    expect(io.err()).toBe(`${message}\n`);
  });

  it('exits 3 when nobody logged in, saying how to', async () => {
    const io = loggedOut();
    expect(await runCli(['status'], io)).toBe(3);
    expect(io.err()).toBe('reposync: not logged in: run `reposync login` (or set REPOSYNC_URL and REPOSYNC_API_KEY)\n');
  });

  it('exits 1 naming the URL when the API cannot be reached', async () => {
    const io = memoryCliIo({ HOME: home, XDG_CONFIG_HOME: path.join(home, 'config'), REPOSYNC_URL: closedUrl, REPOSYNC_API_KEY: 'rsk_x' });
    expect(await runCli(['--json', 'status'], io)).toBe(1);
    expect(io.err()).toBe(`reposync: cannot reach reposync at ${closedUrl}: ECONNREFUSED\n`);
  });

  it('accepts --json after the command as well as before it', async () => {
    const io = memoryCliIo({ HOME: home, REPOSYNC_URL: closedUrl, REPOSYNC_API_KEY: 'rsk_x' });
    expect(await runCli(['status', '--json'], io)).toBe(1);
    expect(io.err()).toContain('cannot reach reposync');
  });
});
