import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runGit } from '../git/run-git.js';
import type { RepoInfo } from '../types.js';

export interface RepoHandle {
  owner: string;
  name: string;
  gitDir: string;
  info: RepoInfo;
}

const SIDECAR = 'github-emulator.json';

/**
 * The served repositories: bare git repositories under `<root>/<owner>/<repo>.git`, each with a
 * JSON sidecar holding what git cannot (visibility, hooks, protection, pull requests, grants).
 * Lookups are case-insensitive like GitHub's.
 */
export class RepoStore {
  private readonly cache = new Map<string, RepoHandle>();
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(
    readonly root: string,
    private readonly onDiscover: (handle: RepoHandle) => Promise<void>,
  ) {}

  async find(owner: string, name: string): Promise<RepoHandle | null> {
    const key = `${owner}/${name}`.toLowerCase();
    const cached = this.cache.get(key);
    if (cached && existsSync(cached.gitDir)) return cached;
    const ownerDir = await matchEntry(this.root, owner);
    if (!ownerDir) return null;
    const repoDir = await matchEntry(join(this.root, ownerDir), `${name}.git`);
    if (!repoDir) return null;
    return this.load(ownerDir, repoDir.slice(0, -'.git'.length));
  }

  async list(): Promise<RepoHandle[]> {
    const handles: RepoHandle[] = [];
    for (const owner of await readdir(this.root).catch(() => [] as string[])) {
      for (const entry of await readdir(join(this.root, owner)).catch(() => [] as string[])) {
        if (entry.endsWith('.git')) handles.push(await this.load(owner, entry.slice(0, -4)));
      }
    }
    return handles;
  }

  async create(owner: string, name: string, options: { private?: boolean; defaultBranch?: string; description?: string }): Promise<RepoHandle> {
    const gitDir = join(this.root, owner, `${name}.git`);
    if (existsSync(gitDir)) throw new Error(`repository ${owner}/${name} already exists`);
    await mkdir(gitDir, { recursive: true });
    await runGit(gitDir, ['init', '--bare', '--quiet', `--initial-branch=${options.defaultBranch ?? 'main'}`]);
    const handle = await this.load(owner, name);
    handle.info.private = options.private ?? false;
    handle.info.description = options.description ?? null;
    await this.save(handle);
    return handle;
  }

  async save(handle: RepoHandle): Promise<void> {
    const file = join(handle.gitDir, SIDECAR);
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(handle.info, null, 2));
    await rename(tmp, file);
  }

  /** Serialises read-modify-write sequences (ref moves, sidecar edits) per repository. */
  async withLock<T>(handle: RepoHandle, fn: () => Promise<T>): Promise<T> {
    const key = handle.gitDir;
    const previous = this.locks.get(key) ?? Promise.resolve();
    const next = previous.then(fn, fn);
    this.locks.set(key, next.catch(() => undefined));
    return next;
  }

  private async load(owner: string, name: string): Promise<RepoHandle> {
    const key = `${owner}/${name}`.toLowerCase();
    const cached = this.cache.get(key);
    if (cached && existsSync(cached.gitDir)) return cached;
    const gitDir = join(this.root, owner, `${name}.git`);
    const stored = await readFile(join(gitDir, SIDECAR), 'utf8').then((text) => JSON.parse(text) as Partial<RepoInfo>, () => ({}));
    const info: RepoInfo = {
      owner,
      name,
      id: stableId(`repo:${key}`),
      private: false,
      archived: false,
      description: null,
      createdAt: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      grants: [],
      protection: {},
      hooks: [],
      pulls: [],
      nextPullNumber: 1,
      ...stored,
    };
    const handle: RepoHandle = { owner, name, gitDir, info };
    this.cache.set(key, handle);
    await this.save(handle);
    await this.onDiscover(handle);
    return handle;
  }
}

/** A deterministic positive 31-bit id, so ids survive restarts of the emulator. */
export function stableId(seed: string): number {
  return (createHash('sha1').update(seed).digest().readUInt32BE(0) & 0x7fffffff) || 1;
}

async function matchEntry(dir: string, wanted: string): Promise<string | null> {
  if (existsSync(join(dir, wanted))) return wanted;
  const lower = wanted.toLowerCase();
  const entries = await readdir(dir).catch(() => [] as string[]);
  return entries.find((e) => e.toLowerCase() === lower) ?? null;
}
