import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

const run = promisify(execFile);

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('loadConfig', () => {
  it('selects the embedded defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.temporal.address).toBeUndefined();
    expect(config.s3).toBeUndefined();
    expect(config.github.apiUrl).toBe('https://api.github.com');
    expect(config.dataDir).toMatch(/\/data$/);
  });

  it('reads production settings', () => {
    const config = loadConfig({
      PORT: '8080',
      DATABASE_URL: 'postgres://u:p@db:5432/reposync',
      TEMPORAL_ADDRESS: 'temporal:7233',
      TEMPORAL_NAMESPACE: 'prod',
      S3_BUCKET: 'reposync-blobs',
      S3_ENDPOINT: 'http://minio:9000',
      AWS_ACCESS_KEY_ID: 'a',
      AWS_SECRET_ACCESS_KEY: 'b',
      REPOSYNC_ENCRYPTION_KEY: 'ab'.repeat(32),
    });
    expect(config.port).toBe(8080);
    expect(config.temporal).toMatchObject({ address: 'temporal:7233', namespace: 'prod' });
    expect(config.s3).toMatchObject({ bucket: 'reposync-blobs', endpoint: 'http://minio:9000', forcePathStyle: true });
    expect(config.encryptionKey?.length).toBe(32);
  });

  it('reports every problem at once, each naming its variable', () => {
    const problems = problemsOf({
      PORT: 'eighty',
      DATABASE_URL: 'mysql://x',
      TEMPORAL_ADDRESS: 'no-port',
      S3_ENDPOINT: 'http://minio:9000',
      REPOSYNC_ENCRYPTION_KEY: 'short',
      GITHUB_APP_ID: '12',
      S3_FORCE_PATH_STYLE: 'maybe',
      REPOSYNC_BOOTSTRAP_API_KEY: 'tiny',
    });
    const named = (variable: string) => problems.some((problem) => problem.startsWith(variable));
    for (const variable of ['PORT', 'DATABASE_URL', 'TEMPORAL_ADDRESS', 'S3_BUCKET', 'REPOSYNC_ENCRYPTION_KEY', 'GITHUB_APP_ID', 'S3_FORCE_PATH_STYLE', 'REPOSYNC_BOOTSTRAP_API_KEY']) {
      expect(named(variable), `${variable} in ${JSON.stringify(problems)}`).toBe(true);
    }
    expect(problems.length).toBe(8);
  });

  it('bounds outbound edits: 32 MiB bodies, two at once per tenant, unless configured', () => {
    expect(loadConfig({}).outbound).toEqual({ maxBodyBytes: 32 * 1024 * 1024, maxConcurrentPerTenant: 2 });
    expect(loadConfig({ OUTBOUND_MAX_BODY_BYTES: '1048576', OUTBOUND_MAX_CONCURRENT_PER_TENANT: '5' }).outbound).toEqual({ maxBodyBytes: 1048576, maxConcurrentPerTenant: 5 });
  });

  it.each([
    ['OUTBOUND_MAX_BODY_BYTES', '32MiB'],
    ['OUTBOUND_MAX_BODY_BYTES', '0'],
    ['OUTBOUND_MAX_CONCURRENT_PER_TENANT', '-1'],
    ['OUTBOUND_MAX_CONCURRENT_PER_TENANT', '0'],
    ['GITHUB_ANSWER_TIMEOUT_SECONDS', '30s'],
    ['GITHUB_IDLE_TIMEOUT_SECONDS', '0'],
  ])('refuses %s=%s, naming it', (variable, value) => {
    expect(problemsOf({ [variable]: value })).toEqual([expect.stringMatching(new RegExp(`^${variable} must be a positive integer`))]);
  });

  it('collects garbage daily with a day of grace, keeping every snapshot, unless configured; refuses a grace under 2 hours', () => {
    expect(loadConfig({}).gc).toEqual({ intervalHours: 24, graceHours: 24, keepSnapshots: 0 });
    expect(loadConfig({ GC_INTERVAL_HOURS: '0', GC_GRACE_HOURS: '2', SNAPSHOT_KEEP: '5' }).gc).toEqual({ intervalHours: 0, graceHours: 2, keepSnapshots: 5 });
    expect(problemsOf({ GC_GRACE_HOURS: '1' })).toEqual(['GC_GRACE_HOURS must be at least 2, got "1"']);
    expect(problemsOf({ GC_GRACE_HOURS: '0' })).toEqual([expect.stringMatching(/^GC_GRACE_HOURS must be a positive integer/)]);
    expect(problemsOf({ SNAPSHOT_KEEP: 'all' })).toEqual([expect.stringMatching(/^SNAPSHOT_KEEP must be a whole number/)]);
  });

  it('gives every request to GitHub deadlines: 30 s for an answer, 60 s on a quiet body, unless configured', () => {
    expect(loadConfig({}).github.requestTimeouts).toEqual({ answerMs: 30_000, idleMs: 60_000 });
    expect(loadConfig({ GITHUB_ANSWER_TIMEOUT_SECONDS: '5', GITHUB_IDLE_TIMEOUT_SECONDS: '7' }).github.requestTimeouts).toEqual({ answerMs: 5_000, idleMs: 7_000 });
  });

  it('links the Temporal UI: TEMPORAL_UI_URL when set, the embedded dev server\'s UI when Temporal is embedded, nothing otherwise', () => {
    expect(loadConfig({}).temporal.uiUrl).toBe('http://127.0.0.1:8233');
    expect(loadConfig({ TEMPORAL_UI_PORT: '9000' }).temporal.uiUrl).toBe('http://127.0.0.1:9000');
    expect(loadConfig({ TEMPORAL_ADDRESS: 'temporal:7233' }).temporal.uiUrl).toBeUndefined();
    expect(loadConfig({ TEMPORAL_ADDRESS: 'temporal:7233', TEMPORAL_UI_URL: 'https://temporal.example.com/' }).temporal.uiUrl).toBe('https://temporal.example.com');
    expect(problemsOf({ TEMPORAL_UI_URL: 'temporal.example.com' })).toEqual([expect.stringMatching(/^TEMPORAL_UI_URL /)]);
  });

  it('reads the worker settings: streaming slots, the SDK metrics address, the prebuilt bundle and the deployment version', () => {
    const defaults = loadConfig({});
    expect(defaults.streamingActivitySlots).toBe(4);
    expect(defaults.temporal.metricsAddress).toBeUndefined();
    expect(defaults.temporal.workflowBundlePath).toBeUndefined();
    expect(loadConfig({ WORKFLOW_BUNDLE_PATH: '/app/dist/workflow-bundle.js' }).temporal.workflowBundlePath).toBe('/app/dist/workflow-bundle.js');
    expect(defaults.temporal.versioning).toEqual({ deploymentName: 'reposync', buildId: undefined, enabled: true, behavior: 'pinned', setCurrentVersion: 'if-unset' });
    const set = loadConfig({
      STREAMING_ACTIVITY_SLOTS: '2',
      TEMPORAL_METRICS_ADDRESS: '0.0.0.0:9464',
      TEMPORAL_DEPLOYMENT_NAME: 'sync',
      TEMPORAL_WORKER_BUILD_ID: '1.2.0-abc123',
      TEMPORAL_WORKER_VERSIONING: 'false',
      TEMPORAL_VERSIONING_BEHAVIOR: 'auto-upgrade',
      TEMPORAL_SET_CURRENT_VERSION: 'never',
    });
    expect(set.streamingActivitySlots).toBe(2);
    expect(set.temporal.metricsAddress).toBe('0.0.0.0:9464');
    expect(set.temporal.versioning).toEqual({ deploymentName: 'sync', buildId: '1.2.0-abc123', enabled: false, behavior: 'auto-upgrade', setCurrentVersion: 'never' });
    expect(problemsOf({ STREAMING_ACTIVITY_SLOTS: '0', TEMPORAL_DEPLOYMENT_NAME: 'sync.eu', TEMPORAL_WORKER_BUILD_ID: 'x'.repeat(256), TEMPORAL_VERSIONING_BEHAVIOR: 'sticky', TEMPORAL_METRICS_ADDRESS: '9464' })).toEqual([
      expect.stringMatching(/^TEMPORAL_METRICS_ADDRESS must be host:port/),
      'TEMPORAL_DEPLOYMENT_NAME must have no dot and at most 255 characters, got "sync.eu"',
      'TEMPORAL_WORKER_BUILD_ID must be at most 255 characters',
      expect.stringMatching(/^TEMPORAL_VERSIONING_BEHAVIOR must be one of pinned, auto-upgrade/),
      expect.stringMatching(/^STREAMING_ACTIVITY_SLOTS must be a positive integer/),
    ]);
  });

  it('accepts a private key with escaped newlines, as .env files carry it', () => {
    const config = loadConfig({ GITHUB_APP_ID: '1', GITHUB_APP_PRIVATE_KEY: '-----BEGIN RSA PRIVATE KEY-----\\nabc\\n-----END RSA PRIVATE KEY-----' });
    expect(config.github.appPrivateKey).toContain('\nabc\n');
  });
});

describe('a process started with bad configuration', () => {
  it('exits non-zero with one line per problem', async () => {
    const error = await run(process.execPath, ['--import', 'tsx', 'src/api/main.ts'], { env: { ...process.env, PORT: '99999', DATABASE_URL: 'nope', TEMPORAL_ADDRESS: 'x:1' } }).then(
      () => undefined,
      (failure: { code: number; stderr: string }) => failure,
    );
    expect(error?.code).toBe(2);
    const lines = error!.stderr.trim().split('\n');
    expect(lines).toEqual(['config: PORT must be a port number 0-65535, got "99999"', 'config: DATABASE_URL is not a valid URL']);
  });
});
