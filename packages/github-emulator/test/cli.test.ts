import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Octokit } from '@octokit/rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { git, quiet } from './helpers.js';

const bin = fileURLToPath(new URL('../bin/github-emulator.js', import.meta.url));

describe('the github-emulator command', () => {
  let child: ChildProcess;
  let url = '';
  let token = '';

  beforeAll(async () => {
    const root = await mkdtemp(join(tmpdir(), 'gh-emulator-cli-'));
    // A bare repository made with plain git, never seen by the emulator before.
    const work = join(root, 'work');
    await mkdir(work);
    await git(work, ['init', '--quiet', '-b', 'main']);
    await git(work, ['commit', '--quiet', '--allow-empty', '-m', 'hello']);
    await mkdir(join(root, 'served', 'octo'), { recursive: true });
    await git(root, ['clone', '--quiet', '--bare', work, join(root, 'served', 'octo', 'demo.git')]);
    child = spawn(process.execPath, [bin, '--root', join(root, 'served'), '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no banner: ${out}`)), 30_000);
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const u = /API base URL: (\S+)/.exec(out);
        const t = /token:\s+(\S+)/.exec(out);
        if (u?.[1] && t?.[1]) {
          url = u[1];
          token = t[1];
          clearTimeout(timer);
          resolve();
        }
      });
    });
  }, 60_000);
  afterAll(() => {
    child.kill('SIGTERM');
  });

  it('prints a base URL and a PAT that work with curl-style requests and Octokit', async () => {
    const res = await fetch(`${url}/repos/octo/demo`, { headers: { authorization: `token ${token}` } });
    expect(res.status).toBe(200);
    const octokit = new Octokit({ baseUrl: url, auth: token, log: quiet });
    const { data } = await octokit.repos.getBranch({ owner: 'octo', repo: 'demo', branch: 'main' });
    expect(data.commit.commit.message).toBe('hello');
    expect((await octokit.repos.get({ owner: 'octo', repo: 'demo' })).data.default_branch).toBe('main');
  });
});
