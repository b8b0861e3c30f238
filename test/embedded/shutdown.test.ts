import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/embedded/wait-for-port.js';
import { groupIsGone, portIsClosed, signalGroup, startEmbedded, type EmbeddedPorts } from '../support/embedded-process.js';
import { startGitHubEmulator, type GitHubEmulator } from '@reposync/github-emulator';

/** How long an operator may wait for reposync to stop, whatever it was doing. */
const STOP_BUDGET_MS = 30_000;

let github: GitHubEmulator;
const folders: string[] = [];
async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  folders.push(dir);
  return dir;
}

beforeAll(async () => {
  github = await startGitHubEmulator({ root: await tempDir('reposync-github-') });
});
afterAll(async () => {
  await github.close();
  await Promise.all(folders.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function startReposync() {
  const dataDir = await tempDir('reposync-embedded-');
  const ports: EmbeddedPorts = { api: await freePort(), temporal: await freePort(), ui: await freePort() };
  const embedded = await startEmbedded(dataDir, ports, { GITHUB_API_URL: github.url });
  const key = (await readFile(path.join(dataDir, 'admin-api-key'), 'utf8')).trim();
  const api = async (method: string, url: string, body?: unknown) => {
    const response = await fetch(`http://127.0.0.1:${ports.api}${url}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  };
  const importRepository = async (repo: string) => {
    const { json: project } = await api('POST', '/api/projects', { owner: 'octo', repo, token: github.token });
    expect((await api('POST', `/api/projects/${String(project.id)}/sync/initial`)).status).toBe(202);
    return String(project.id);
  };
  const waitForStatus = async (projectId: string, done: (status: Record<string, unknown>) => boolean) => {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const { json } = await api('GET', `/api/projects/${projectId}/sync/status`);
      if (done(json)) return json;
      if (Date.now() > deadline) throw new Error(`sync status never matched: ${JSON.stringify(json)}`);
      await sleep(250);
    }
  };
  return { ...embedded, ports, importRepository, waitForStatus };
}

async function expectEverythingStopped(reposync: Awaited<ReturnType<typeof startReposync>>) {
  expect(groupIsGone(reposync.child)).toBe(true);
  expect(await portIsClosed(reposync.ports.api)).toBe(true);
  expect(await portIsClosed(reposync.ports.ui)).toBe(true);
  expect(await portIsClosed(reposync.ports.temporal)).toBe(true);
}

describe('stopping npm start', () => {
  it('exits within 30 s when Ctrl-C reaches its process group while an import is mid-activity', async () => {
    await github.repos.create('octo', 'slow-archive', {});
    await github.repos.commit('octo', 'slow-archive', { message: 'x', files: { 'README.md': '# slow\n', 'src/a.ts': 'export const a = 1;\n' } });
    // The archive takes a minute to start arriving: the import activity is in the middle of its work.
    github.faults.add({ path: /\/octo\/slow-archive\/legacy\.zip\//, delayMs: 60_000 });
    const reposync = await startReposync();
    const projectId = await reposync.importRepository('slow-archive');
    await reposync.waitForStatus(projectId, (status) => status.phase === 'streaming');
    await sleep(1_000);

    const { code, elapsedMs } = await signalGroup(reposync.child, 'SIGINT');
    console.log(`npm start stopped ${elapsedMs} ms after SIGINT to its process group, mid-import`);
    expect(elapsedMs).toBeLessThan(STOP_BUDGET_MS);
    expect(code, reposync.output()).toBe(0);
    await expectEverythingStopped(reposync);
  }, 180_000);

  it('exits within 30 s when SIGTERM reaches its process group after two imports', async () => {
    for (const repo of ['first', 'second']) {
      await github.repos.create('octo', repo, {});
      await github.repos.commit('octo', repo, { message: 'x', files: { 'README.md': `# ${repo}\n`, 'docs/guide.md': 'guide\n' } });
    }
    const reposync = await startReposync();
    for (const repo of ['first', 'second']) {
      const projectId = await reposync.importRepository(repo);
      await reposync.waitForStatus(projectId, (status) => status.status === 'synced');
    }

    const { code, elapsedMs } = await signalGroup(reposync.child, 'SIGTERM');
    console.log(`npm start stopped ${elapsedMs} ms after SIGTERM to its process group, after two imports`);
    expect(elapsedMs).toBeLessThan(STOP_BUDGET_MS);
    expect(code, reposync.output()).toBe(0);
    await expectEverythingStopped(reposync);
  }, 180_000);
});
