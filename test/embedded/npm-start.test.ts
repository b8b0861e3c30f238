import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/embedded/wait-for-port.js';
import type { Project } from '../support/api-answers.js';
import { portIsClosed, startEmbedded as start, stopEmbedded as stop } from '../support/embedded-process.js';

describe('npm start (embedded mode)', () => {
  let dataDir: string;
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it('starts everything with nothing configured, keeps data across a restart, and stops every child on Ctrl-C', async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'reposync-embedded-'));
    const ports = { api: await freePort(), temporal: await freePort(), ui: await freePort() };

    const first = await start(dataDir, ports);
    const banner = first.output();
    expect(banner).toContain(`API            http://127.0.0.1:${ports.api}`);
    expect(banner).toContain(`API docs       http://127.0.0.1:${ports.api}/docs`);
    expect(banner).toContain(`Status page    http://127.0.0.1:${ports.api}/`);
    expect(banner).toContain(`Temporal UI    http://127.0.0.1:${ports.ui}`);
    const key = (await readFile(path.join(dataDir, 'admin-api-key'), 'utf8')).trim();
    expect(banner).toContain(`Admin API key  ${key}`);
    // Secrets kept under DATA_DIR are readable by their owner only.
    expect((await stat(path.join(dataDir, 'encryption.key'))).mode & 0o777).toBe(0o600);
    expect((await fetch(`http://127.0.0.1:${ports.ui}/`)).status).toBe(200);
    // The status page links workflows to the Temporal UI this start brought up.
    const settings = await fetch(`http://127.0.0.1:${ports.api}/ui/settings.json`, { headers: { authorization: `Bearer ${key}` } });
    expect(await settings.json()).toEqual({ temporalUiUrl: `http://127.0.0.1:${ports.ui}`, namespace: 'default' });

    const created = await fetch(`http://127.0.0.1:${ports.api}/api/projects`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ owner: 'octo', repo: 'persisted', token: 'ghp_kept_encrypted' }),
    });
    expect(created.status).toBe(201);
    const project = (await created.json()) as Project;

    expect(await stop(first.child)).toBe(0);
    expect(await portIsClosed(ports.api)).toBe(true);
    expect(await portIsClosed(ports.ui)).toBe(true);
    expect(await portIsClosed(ports.temporal)).toBe(true);

    const second = await start(dataDir, ports);
    const listed = await fetch(`http://127.0.0.1:${ports.api}/api/projects/${project.id}`, { headers: { authorization: `Bearer ${key}` } });
    expect(listed.status).toBe(200);
    expect(await listed.json()).toMatchObject({ owner: 'octo', repo: 'persisted', auth: { kind: 'token' } });
    expect(await stop(second.child)).toBe(0);
  }, 240_000);
});
