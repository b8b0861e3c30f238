import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSecretBox, SecretOpenError } from '../../src/crypto/secret-box.js';
import type { Project } from '../support/api-answers.js';
import { startApiHarness, type ApiHarness } from '../support/api-harness.js';

const run = promisify(execFile);
const root = path.join(import.meta.dirname, '../..');

describe('a key ring of the current and previous encryption keys', () => {
  const oldKey = randomBytes(32);
  const newKey = randomBytes(32);

  it('opens secrets sealed with a previous key, and seals only with the current one', () => {
    const sealedBefore = createSecretBox(oldKey).seal('ghp_rotated');
    const ring = createSecretBox(newKey, [oldKey]);
    expect(ring.open(sealedBefore)).toBe('ghp_rotated');
    expect(ring.isSealedWithCurrentKey(sealedBefore)).toBe(false);
    const sealedAfter = ring.seal('ghp_rotated');
    expect(ring.isSealedWithCurrentKey(sealedAfter)).toBe(true);
    expect(createSecretBox(newKey).open(sealedAfter)).toBe('ghp_rotated');
    expect(() => createSecretBox(oldKey).open(sealedAfter)).toThrow(SecretOpenError);
  });

  it('names the missing key when no configured key opens a secret', () => {
    const sealed = createSecretBox(oldKey).seal('x');
    expect(() => createSecretBox(newKey).open(sealed)).toThrow(/REPOSYNC_ENCRYPTION_KEY.*REPOSYNC_PREVIOUS_ENCRYPTION_KEYS/);
    expect(() => createSecretBox(newKey, [randomBytes(32)]).open(sealed)).toThrow(/any key in REPOSYNC_PREVIOUS_ENCRYPTION_KEYS/);
    expect(() => createSecretBox(newKey).open('v9.a.b.c')).toThrow(/known version/);
  });
});

describe('npm run rotate-encryption-key', () => {
  let h: ApiHarness;
  let dataDir: string;
  const oldKey = randomBytes(32).toString('hex');
  const newKey = randomBytes(32).toString('base64');
  const projectIds: string[] = [];

  beforeAll(async () => {
    h = await startApiHarness({ REPOSYNC_ENCRYPTION_KEY: oldKey });
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'reposync-rotate-'));
    for (const [repo, token] of [['one', 'ghp_first_token_1'], ['two', 'ghp_second_token_2']] as const) {
      const response = await h.app.inject({ method: 'POST', url: '/api/projects', headers: h.auth(), payload: { owner: 'octo-org', repo, token } });
      expect(response.statusCode).toBe(201);
      projectIds.push(response.json<Project>().id);
    }
    // A project with a registered webhook holds a second sealed secret.
    await h.db.updateTable('projects').set({ webhook_id: 7, webhook_secret_ciphertext: h.secrets.seal('hook-secret-two') }).where('id', '=', projectIds[1]!).execute();
  });

  afterAll(async () => {
    await h?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  async function rotate(env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
      const { stdout, stderr } = await run('npx', ['tsx', 'scripts/rotate-encryption-key.ts'], {
        cwd: root,
        env: { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: dataDir, LOG_LEVEL: 'silent', DATABASE_URL: h.config.databaseUrl!, ...env },
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failure = error as { code: number; stdout: string; stderr: string };
      return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
    }
  }

  async function sealedValues(): Promise<string[]> {
    const rows = await h.db.selectFrom('projects').select(['token_ciphertext', 'webhook_secret_ciphertext']).where('id', 'in', projectIds).orderBy('repo').execute();
    return rows.flatMap((row) => [row.token_ciphertext, row.webhook_secret_ciphertext]).filter((value): value is string => value !== null);
  }

  it('refuses to run without the key the secrets were sealed with, and changes nothing', async () => {
    const before = await sealedValues();
    const result = await rotate({ REPOSYNC_ENCRYPTION_KEY: newKey });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('REPOSYNC_PREVIOUS_ENCRYPTION_KEYS');
    expect(await sealedValues()).toEqual(before);
  });

  it('refuses a malformed previous key, naming it', async () => {
    const result = await rotate({ REPOSYNC_ENCRYPTION_KEY: newKey, REPOSYNC_PREVIOUS_ENCRYPTION_KEYS: `${oldKey},not-a-key` });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('config: REPOSYNC_PREVIOUS_ENCRYPTION_KEYS item 2 of 2 must be 32 bytes');
  });

  it('seals every secret again with the new key, then finds them all current', async () => {
    const first = await rotate({ REPOSYNC_ENCRYPTION_KEY: newKey, REPOSYNC_PREVIOUS_ENCRYPTION_KEYS: oldKey });
    expect(first).toMatchObject({ code: 0, stdout: 'resealed 3, already current 0, changed meanwhile 0\n' });

    const newOnly = createSecretBox(Buffer.from(newKey, 'base64'));
    expect((await sealedValues()).map((sealed) => newOnly.open(sealed))).toEqual(['ghp_first_token_1', 'ghp_second_token_2', 'hook-secret-two']);

    const second = await rotate({ REPOSYNC_ENCRYPTION_KEY: newKey });
    expect(second).toMatchObject({ code: 0, stdout: 'resealed 0, already current 3, changed meanwhile 0\n' });
  });
});

describe('npm run revoke-api-key', () => {
  let h: ApiHarness;

  beforeAll(async () => {
    h = await startApiHarness();
  });

  afterAll(async () => {
    await h?.close();
  });

  async function revoke(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
      const { stdout, stderr } = await run('npx', ['tsx', 'scripts/revoke-api-key.ts', ...args], {
        cwd: root,
        env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'silent', DATABASE_URL: h.config.databaseUrl!, REPOSYNC_ENCRYPTION_KEY: randomBytes(32).toString('hex') },
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failure = error as { code: number; stdout: string; stderr: string };
      return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
    }
  }

  it('retires exactly the key named by its prefix; the other tenant keeps working', async () => {
    const listProjects = (key: string) => h.app.inject({ method: 'GET', url: '/api/projects', headers: h.auth(key) });
    expect((await listProjects(h.key)).statusCode).toBe(200);

    const unknown = await revoke('rsk_nothere');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no live API key starts with "rsk_nothere"');
    expect((await revoke()).stderr).toContain('usage: npm run revoke-api-key');

    const prefix = h.key.slice(0, 10);
    const result = await revoke(prefix);
    expect(result).toMatchObject({ code: 0, stdout: `revoked ${prefix} ("tenant-a", tenant "tenant-a")\n` });
    expect((await listProjects(h.key)).statusCode).toBe(401);
    expect((await listProjects(h.otherKey)).statusCode).toBe(200);
    expect((await revoke(prefix)).stderr).toContain(`no live API key starts with "${prefix}"`);
  });
});
