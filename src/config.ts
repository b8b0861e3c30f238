import path from 'node:path';
import { DEFAULT_REQUEST_TIMEOUTS, type RequestTimeouts } from './github/timed-fetch.js';
import { DEFAULT_BUDGET_LIMITS, type BudgetLimits } from './github/request-budget.js';
import { DEFAULT_TASK_QUEUE } from './shared/task-queue.js';
import type { SetCurrentVersion } from './temporal/deployment-version.js';

/**
 * A reused blob's touch is refreshed once an hour at most (TOUCH_INTERVAL_SECONDS in the blob
 * index), so a grace period shorter than twice that could collect a blob an import just reused.
 */
const MIN_GC_GRACE_HOURS = 2;

/**
 * Every setting reposync reads, from the environment, once, at start-up.
 * Absent infrastructure settings select the embedded defaults, so `npm start` needs no configuration: PGlite instead of
 * PostgreSQL, a local Temporal dev server, a filesystem blob store under DATA_DIR.
 */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  logLevel: string;
  /** Absent: embedded PGlite under `dataDir`. */
  databaseUrl: string | undefined;
  temporal: {
    /** Absent: start `temporal server start-dev` locally. */
    address: string | undefined;
    namespace: string;
    taskQueue: string;
    cliPath: string | undefined;
    /** Ports of the embedded dev server (frontend and Web UI). */
    devServerPort: number;
    uiPort: number;
    /**
     * Where people open the Temporal Web UI (TEMPORAL_UI_URL); absent, the embedded dev server's
     * own UI when Temporal is embedded, and no link at all otherwise.
     */
    uiUrl: string | undefined;
    /**
     * `host:port` where workers serve the Temporal SDK's Prometheus metrics (TEMPORAL_METRICS_ADDRESS);
     * absent, a standalone worker serves none and `npm start` picks a free loopback port, whose
     * metrics its API's `/metrics` includes.
     */
    metricsAddress: string | undefined;
    /**
     * Worker Versioning: workers join the deployment `deploymentName` (TEMPORAL_DEPLOYMENT_NAME) as
     * version `buildId` (TEMPORAL_WORKER_BUILD_ID; absent, the package version and the workflow
     * bundle's content hash). With `enabled` (TEMPORAL_WORKER_VERSIONING), every run stays on the
     * version that started it (`behavior` pinned, TEMPORAL_VERSIONING_BEHAVIOR) or moves to the
     * current one at its next task (auto-upgrade); a worker makes its version the current one
     * `setCurrentVersion` (TEMPORAL_SET_CURRENT_VERSION: always, if-unset, never).
     */
    versioning: { deploymentName: string; buildId: string | undefined; enabled: boolean; behavior: 'pinned' | 'auto-upgrade'; setCurrentVersion: SetCurrentVersion };
    tls: { certPath: string | undefined; keyPath: string | undefined; caPath: string | undefined; enabled: boolean };
    /**
     * A prebuilt workflow bundle (WORKFLOW_BUNDLE_PATH, `npm run build:workflows`); absent, or
     * naming no file, a standalone worker bundles the workflows itself at start-up.
     */
    workflowBundlePath: string | undefined;
  };
  /** Absent: filesystem blob store under `dataDir/blobs`. */
  s3: S3Config | undefined;
  github: {
    apiUrl: string;
    appId: number | undefined;
    appPrivateKey: string | undefined;
    webhookSecret: string | undefined;
    /**
     * Deadlines of every request to GitHub: for the answer's headers (GITHUB_ANSWER_TIMEOUT_SECONDS)
     * and for each wait on a body that went quiet (GITHUB_IDLE_TIMEOUT_SECONDS), so a hung
     * connection frees its activity in seconds rather than at the activity's timeout.
     */
    requestTimeouts: RequestTimeouts;
    /**
     * How every process shares one credential's budget: at most GITHUB_MAX_IN_FLIGHT requests at
     * once per credential across all workers (GitHub's secondary limits punish bursts), writes
     * started a second apart.
     */
    budget: BudgetLimits;
  };
  /** 32-byte AES-256-GCM key; absent in embedded mode: generated under DATA_DIR. */
  encryptionKey: Buffer | undefined;
  /**
   * Keys secrets were sealed with before the current one (REPOSYNC_PREVIOUS_ENCRYPTION_KEYS,
   * comma-separated): still opened, never used to seal; drop them after `npm run rotate-encryption-key`.
   */
  previousEncryptionKeys: Buffer[];
  bootstrapApiKey: string | undefined;
  bodyLimitBytes: number;
  /**
   * Whether the API applies recorded webhook deliveries in a worker thread of its own
   * (WEBHOOK_WORKERS_THREAD, default true; only with DATABASE_URL and TEMPORAL_ADDRESS), so a burst
   * being applied never delays the answers; false applies them in the answering thread.
   */
  webhookWorkersThread: boolean;
  /**
   * POST /api/projects/:id/outbound: the largest JSON body (OUTBOUND_MAX_BODY_BYTES) and how many
   * of a tenant's requests this process receives and stores at once (OUTBOUND_MAX_CONCURRENT_PER_TENANT);
   * together they bound the memory one tenant's edits can hold.
   */
  outbound: { maxBodyBytes: number; maxConcurrentPerTenant: number };
  /** Attempts per sync activity before an outage fails the sync (SYNC_MAX_ATTEMPTS). */
  syncMaxAttempts: number;
  /**
   * Seconds without a heartbeat after which a long sync activity's worker is presumed lost and
   * the work resumes on another (SYNC_HEARTBEAT_TIMEOUT_SECONDS).
   */
  syncHeartbeatTimeoutSeconds: number;
  /**
   * Streaming activities (imports, incremental syncs, outbound commits, verifies) one worker runs
   * at once, on their own task queue (STREAMING_ACTIVITY_SLOTS); bookkeeping and polls never wait
   * behind them.
   */
  streamingActivitySlots: number;
  /**
   * The polling failsafe's Schedule: interval (0 disables it) and GitHub requests in flight; and
   * how often the poll starts each project's metadata sync (METADATA_POLL_INTERVAL_SECONDS, 0: only
   * webhooks and `POST …/metadata/sync` keep the metadata current).
   */
  poll: { intervalSeconds: number; concurrency: number; metadataIntervalSeconds: number };
  /**
   * Garbage collection of the blob store: how often its Schedule runs it (GC_INTERVAL_HOURS, 0
   * disables it), how long anything written or reused stays safe from it (GC_GRACE_HOURS, at
   * least 2: an import must reference what it reuses within it), and the complete snapshots kept
   * per project (SNAPSHOT_KEEP, 0 keeps every one).
   */
  gc: { intervalHours: number; graceHours: number; keepSnapshots: number };
  /** Where GitHub reaches this API (PUBLIC_URL); linking registers `<PUBLIC_URL>/api/webhooks/github`. */
  publicUrl: string | undefined;
}

export interface S3Config {
  bucket: string;
  endpoint: string | undefined;
  region: string;
  forcePathStyle: boolean;
  accessKeyId: string | undefined;
  secretAccessKey: string | undefined;
  /** Seconds a request may wait on a silent socket before it fails (S3_REQUEST_TIMEOUT_SECONDS). */
  requestTimeoutSeconds: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** Reads and validates the configuration; throws one ConfigError listing every problem. */
export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const read = new EnvReader(env, problems);

  const config: Config = {
    port: read.port('PORT', 3000),
    host: read.string('HOST') ?? '127.0.0.1',
    dataDir: path.resolve(read.string('DATA_DIR') ?? './data'),
    logLevel: read.oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info'),
    databaseUrl: read.url('DATABASE_URL', ['postgres:', 'postgresql:']),
    temporal: {
      address: read.hostPort('TEMPORAL_ADDRESS'),
      namespace: read.string('TEMPORAL_NAMESPACE') ?? 'default',
      taskQueue: read.string('TEMPORAL_TASK_QUEUE') ?? DEFAULT_TASK_QUEUE,
      cliPath: read.string('TEMPORAL_CLI_PATH'),
      devServerPort: read.port('TEMPORAL_DEV_SERVER_PORT', 7233),
      uiPort: read.port('TEMPORAL_UI_PORT', 8233),
      uiUrl: undefined,
      metricsAddress: read.hostPort('TEMPORAL_METRICS_ADDRESS'),
      versioning: {
        deploymentName: read.deploymentName('TEMPORAL_DEPLOYMENT_NAME') ?? 'reposync',
        buildId: read.maxLength('TEMPORAL_WORKER_BUILD_ID', 255),
        enabled: read.boolean('TEMPORAL_WORKER_VERSIONING', true),
        behavior: read.oneOf('TEMPORAL_VERSIONING_BEHAVIOR', ['pinned', 'auto-upgrade'], 'pinned'),
        setCurrentVersion: read.oneOf('TEMPORAL_SET_CURRENT_VERSION', ['always', 'if-unset', 'never'], 'if-unset'),
      },
      tls: {
        enabled: read.boolean('TEMPORAL_TLS', false),
        certPath: read.string('TEMPORAL_TLS_CERT_PATH'),
        keyPath: read.string('TEMPORAL_TLS_KEY_PATH'),
        caPath: read.string('TEMPORAL_TLS_CA_PATH'),
      },
      workflowBundlePath: read.string('WORKFLOW_BUNDLE_PATH'),
    },
    s3: readS3(read),
    github: {
      apiUrl: read.url('GITHUB_API_URL', ['http:', 'https:']) ?? 'https://api.github.com',
      appId: read.positiveInt('GITHUB_APP_ID'),
      appPrivateKey: read.pem('GITHUB_APP_PRIVATE_KEY'),
      webhookSecret: read.string('GITHUB_WEBHOOK_SECRET'),
      requestTimeouts: {
        answerMs: (read.positiveInt('GITHUB_ANSWER_TIMEOUT_SECONDS') ?? DEFAULT_REQUEST_TIMEOUTS.answerMs / 1000) * 1000,
        idleMs: (read.positiveInt('GITHUB_IDLE_TIMEOUT_SECONDS') ?? DEFAULT_REQUEST_TIMEOUTS.idleMs / 1000) * 1000,
      },
      budget: { ...DEFAULT_BUDGET_LIMITS, maxInFlight: read.positiveInt('GITHUB_MAX_IN_FLIGHT') ?? DEFAULT_BUDGET_LIMITS.maxInFlight },
    },
    encryptionKey: read.key32('REPOSYNC_ENCRYPTION_KEY'),
    previousEncryptionKeys: read.key32List('REPOSYNC_PREVIOUS_ENCRYPTION_KEYS'),
    bootstrapApiKey: read.minLength('REPOSYNC_BOOTSTRAP_API_KEY', 20),
    bodyLimitBytes: read.positiveInt('API_BODY_LIMIT_BYTES') ?? 1024 * 1024,
    webhookWorkersThread: read.boolean('WEBHOOK_WORKERS_THREAD', true),
    outbound: {
      maxBodyBytes: read.positiveInt('OUTBOUND_MAX_BODY_BYTES') ?? 32 * 1024 * 1024,
      maxConcurrentPerTenant: read.positiveInt('OUTBOUND_MAX_CONCURRENT_PER_TENANT') ?? 2,
    },
    syncMaxAttempts: read.positiveInt('SYNC_MAX_ATTEMPTS') ?? 8,
    syncHeartbeatTimeoutSeconds: read.positiveInt('SYNC_HEARTBEAT_TIMEOUT_SECONDS') ?? 20,
    streamingActivitySlots: read.positiveInt('STREAMING_ACTIVITY_SLOTS') ?? 4,
    poll: {
      intervalSeconds: read.nonNegativeInt('POLL_INTERVAL_SECONDS') ?? 300,
      concurrency: read.positiveInt('POLL_CONCURRENCY') ?? 8,
      metadataIntervalSeconds: read.nonNegativeInt('METADATA_POLL_INTERVAL_SECONDS') ?? 3600,
    },
    gc: {
      intervalHours: read.nonNegativeInt('GC_INTERVAL_HOURS') ?? 24,
      graceHours: read.atLeast('GC_GRACE_HOURS', MIN_GC_GRACE_HOURS) ?? 24,
      keepSnapshots: read.nonNegativeInt('SNAPSHOT_KEEP') ?? 0,
    },
    publicUrl: read.url('PUBLIC_URL', ['http:', 'https:'])?.replace(/\/+$/, ''),
  };

  config.temporal.uiUrl = read.url('TEMPORAL_UI_URL', ['http:', 'https:'])?.replace(/\/+$/, '')
    ?? (config.temporal.address === undefined ? `http://127.0.0.1:${config.temporal.uiPort}` : undefined);

  if ((config.github.appId === undefined) !== (config.github.appPrivateKey === undefined)) {
    problems.push('GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY: set both to use a GitHub App, or neither');
  }
  const tls = config.temporal.tls;
  if ((tls.certPath === undefined) !== (tls.keyPath === undefined)) {
    problems.push('TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH: set both for mutual TLS, or neither');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

function readS3(read: EnvReader): S3Config | undefined {
  const bucket = read.bucketName('S3_BUCKET');
  const endpoint = read.url('S3_ENDPOINT', ['http:', 'https:']);
  const forcePathStyle = read.boolean('S3_FORCE_PATH_STYLE', endpoint !== undefined);
  const region = read.string('S3_REGION') ?? read.string('AWS_REGION') ?? 'us-east-1';
  const accessKeyId = read.string('AWS_ACCESS_KEY_ID');
  const secretAccessKey = read.string('AWS_SECRET_ACCESS_KEY');
  const requestTimeoutSeconds = read.positiveInt('S3_REQUEST_TIMEOUT_SECONDS') ?? 60;
  if (bucket === undefined) {
    if (endpoint !== undefined) read.problem('S3_BUCKET', 'is required when S3_ENDPOINT is set');
    return undefined;
  }
  if ((accessKeyId === undefined) !== (secretAccessKey === undefined)) {
    read.problem('AWS_ACCESS_KEY_ID', 'and AWS_SECRET_ACCESS_KEY must be set together');
  }
  return { bucket, endpoint, region, forcePathStyle, accessKeyId, secretAccessKey, requestTimeoutSeconds };
}

class EnvReader {
  constructor(
    private readonly env: Env,
    private readonly problems: string[],
  ) {}

  problem(name: string, message: string): undefined {
    this.problems.push(`${name} ${message}`);
    return undefined;
  }

  string(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  }

  positiveInt(name: string): number | undefined {
    const raw = this.string(name);
    if (raw === undefined) return undefined;
    if (!/^\d+$/.test(raw) || Number(raw) <= 0 || !Number.isSafeInteger(Number(raw))) {
      return this.problem(name, `must be a positive integer, got "${raw}"`);
    }
    return Number(raw);
  }

  nonNegativeInt(name: string): number | undefined {
    const raw = this.string(name);
    if (raw === undefined) return undefined;
    if (!/^\d+$/.test(raw) || !Number.isSafeInteger(Number(raw))) return this.problem(name, `must be a whole number (0 or more), got "${raw}"`);
    return Number(raw);
  }

  atLeast(name: string, minimum: number): number | undefined {
    const value = this.positiveInt(name);
    if (value === undefined || value >= minimum) return value;
    return this.problem(name, `must be at least ${minimum}, got "${value}"`);
  }

  port(name: string, fallback: number): number {
    const raw = this.string(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!/^\d+$/.test(raw) || value > 65535) {
      this.problem(name, `must be a port number 0-65535, got "${raw}"`);
      return fallback;
    }
    return value;
  }

  boolean(name: string, fallback: boolean): boolean {
    const raw = this.string(name)?.toLowerCase();
    if (raw === undefined) return fallback;
    if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
    if (['0', 'false', 'no', 'off'].includes(raw)) return false;
    this.problem(name, `must be true or false, got "${raw}"`);
    return fallback;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const raw = this.string(name);
    if (raw === undefined) return fallback;
    if ((allowed as readonly string[]).includes(raw)) return raw as T;
    this.problem(name, `must be one of ${allowed.join(', ')}, got "${raw}"`);
    return fallback;
  }

  url(name: string, protocols: string[]): string | undefined {
    const raw = this.string(name);
    if (raw === undefined) return undefined;
    try {
      const url = new URL(raw);
      if (!protocols.includes(url.protocol)) {
        return this.problem(name, `must be a ${protocols.join(' or ')} URL, got protocol "${url.protocol}"`);
      }
      return raw;
    } catch {
      return this.problem(name, 'is not a valid URL');
    }
  }

  hostPort(name: string): string | undefined {
    const raw = this.string(name);
    if (raw === undefined) return undefined;
    if (!/^[A-Za-z0-9.\-[\]:]+:\d{1,5}$/.test(raw)) return this.problem(name, `must be host:port, got "${raw}"`);
    return raw;
  }

  /** Temporal writes a version `<deployment name>.<build id>`, so a deployment name has no dot. */
  deploymentName(name: string): string | undefined {
    const raw = this.string(name);
    if (raw === undefined) return undefined;
    if (raw.includes('.') || raw.length > 255) return this.problem(name, `must have no dot and at most 255 characters, got "${raw}"`);
    return raw;
  }

  maxLength(name: string, max: number): string | undefined {
    const raw = this.string(name);
    if (raw !== undefined && raw.length > max) return this.problem(name, `must be at most ${max} characters`);
    return raw;
  }

  bucketName(name: string): string | undefined {
    const raw = this.string(name);
    if (raw === undefined) return undefined;
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(raw)) {
      return this.problem(name, `is not a valid bucket name: "${raw}"`);
    }
    return raw;
  }

  pem(name: string): string | undefined {
    const raw = this.string(name);
    if (raw === undefined) return undefined;
    // Environment files often carry the key with literal "\n" sequences.
    const pem = raw.includes('\\n') ? raw.replaceAll('\\n', '\n') : raw;
    if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem)) return this.problem(name, 'must be a PEM private key');
    return pem;
  }

  key32(name: string): Buffer | undefined {
    const raw = this.string(name);
    if (raw === undefined) return undefined;
    return decodeKey32(raw) ?? this.problem(name, 'must be 32 bytes, as 64 hex characters or base64');
  }

  key32List(name: string): Buffer[] {
    const raw = this.string(name);
    if (raw === undefined) return [];
    const items = raw.split(',').map((item) => item.trim());
    const keys: Buffer[] = [];
    for (const [index, item] of items.entries()) {
      const key = decodeKey32(item);
      if (!key) return this.problem(name, `item ${index + 1} of ${items.length} must be 32 bytes, as 64 hex characters or base64`) ?? [];
      keys.push(key);
    }
    return keys;
  }

  minLength(name: string, min: number): string | undefined {
    const raw = this.string(name);
    if (raw !== undefined && raw.length < min) return this.problem(name, `must be at least ${min} characters`);
    return raw;
  }
}

/** A 32-byte key written as 64 hex characters or as base64; undefined when it is neither. */
function decodeKey32(raw: string): Buffer | undefined {
  const key = /^[0-9a-fA-F]{64}$/.test(raw) ? Buffer.from(raw, 'hex') : Buffer.from(raw, 'base64');
  return key.length === 32 ? key : undefined;
}
