import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import unzipper from 'unzipper';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { octokitFor, startHarness, type Harness } from './helpers.js';

const exec = promisify(execFile);

describe('archives', () => {
  let h: Harness;
  let sha: string;

  beforeAll(async () => {
    h = await startHarness();
    await h.emulator.repos.create('acme', 'arch');
    sha = (
      await h.emulator.repos.commit('acme', 'arch', {
        message: 'init',
        files: {
          '.gitattributes': 'secret.txt export-ignore\nversion.txt export-subst\n',
          'secret.txt': 'not in archives\n',
          'version.txt': '$Format:%H$\n',
          'src/main.ts': 'console.log(1);\n',
          'run.sh': { content: '#!/bin/sh\n', mode: '100755' },
        },
      })
    ).sha;
    await h.emulator.repos.create('acme', 'hidden', { private: true });
    await h.emulator.repos.commit('acme', 'hidden', { message: 'init', files: { 'x.txt': 'x\n' } });
  });
  afterAll(() => h.close());

  it('redirects zipball with 302 to the codeload host, naming the full ref', async () => {
    const res = await fetch(`${h.emulator.url}/repos/acme/arch/zipball/main`, { redirect: 'manual', headers: { authorization: `token ${h.emulator.token}` } });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(`${h.emulator.codeloadUrl}/acme/arch/legacy.zip/refs/heads/main`);
    expect(new URL(h.emulator.codeloadUrl).origin).not.toBe(new URL(h.emulator.url).origin);
    expect(res.headers.get('content-length')).toBe('0');
    const bySha = await fetch(`${h.emulator.url}/repos/acme/arch/tarball/${sha}`, { redirect: 'manual' });
    expect(bySha.headers.get('location')).toBe(`${h.emulator.codeloadUrl}/acme/arch/legacy.tar.gz/${sha}`);
  });

  it('streams a zip with the owner-repo-sha7 root folder that honours .gitattributes', async () => {
    const res = await h.octokit.repos.downloadZipballArchive({ owner: 'acme', repo: 'arch', ref: 'main' });
    expect(res.url.startsWith(h.emulator.codeloadUrl)).toBe(true);
    expect(res.headers['content-type']).toBe('application/zip');
    expect(res.headers['content-disposition']).toBe(`attachment; filename=acme-arch-${sha.slice(0, 7)}.zip`);
    const zip = await unzipper.Open.buffer(Buffer.from(res.data as ArrayBuffer));
    const root = `acme-arch-${sha.slice(0, 7)}/`;
    const names = zip.files.map((f) => f.path).sort();
    expect(names).toEqual([root, `${root}.gitattributes`, `${root}run.sh`, `${root}src/`, `${root}src/main.ts`, `${root}version.txt`]);
    const version = zip.files.find((f) => f.path === `${root}version.txt`)!;
    expect((await version.buffer()).toString()).toBe(`${sha}\n`);
  });

  it('serves chunked, unbuffered codeload responses and gzip tarballs', async () => {
    const res = await fetch(`${h.emulator.codeloadUrl}/acme/arch/legacy.tar.gz/refs/heads/main`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-gzip');
    expect(res.headers.get('content-length')).toBeNull();
    expect(res.headers.get('transfer-encoding')).toBe('chunked');
    const dir = await mkdtemp(join(tmpdir(), 'gh-emulator-tar-'));
    await writeFile(join(dir, 'a.tar.gz'), Buffer.from(await res.arrayBuffer()));
    const { stdout } = await exec('tar', ['tzf', join(dir, 'a.tar.gz')]);
    expect(stdout.split('\n')).toContain(`acme-arch-${sha.slice(0, 7)}/src/main.ts`);
  });

  it('hides private archives without access and signs their codeload link', async () => {
    await expect(octokitFor(h.emulator).repos.downloadZipballArchive({ owner: 'acme', repo: 'hidden', ref: 'main' })).rejects.toMatchObject({ status: 404 });
    const res = await fetch(`${h.emulator.url}/repos/acme/hidden/zipball`, { redirect: 'manual', headers: { authorization: `token ${h.emulator.token}` } });
    const location = res.headers.get('location')!;
    expect(location).toMatch(/\/acme\/hidden\/legacy\.zip\/refs\/heads\/main\?token=[A-F0-9]+$/);
    expect((await fetch(location)).status).toBe(200);
    expect((await fetch(location.replace(/\?token=.*$/, ''))).status).toBe(404);
  });

  it('404s an unknown ref', async () => {
    await expect(h.octokit.repos.downloadZipballArchive({ owner: 'acme', repo: 'arch', ref: 'no-such-branch' })).rejects.toMatchObject({ status: 404 });
  });
});
