import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
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
/** Numbers each sidecar write, so two writes in flight never share a temporary file. */
let saveSeq = 0;

export class RepoStore {
  private readonly cache = new Map<string, RepoHandle>();
  /** Keyed by handle, not path, so a rename inside a lock keeps later callers queued behind it. */
  private readonly locks = new WeakMap<RepoHandle, Promise<unknown>>();
  /** Former `owner/name` (lower-cased) -> the repository now living elsewhere. */
  private readonly formerNames = new Map<string, RepoHandle>();

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

  async create(owner: string, name: string, options: { private?: boolean; defaultBranch?: string; description?: string; fork?: boolean }): Promise<RepoHandle> {
    const gitDir = join(this.root, owner, `${name}.git`);
    if (existsSync(gitDir)) throw new Error(`repository ${owner}/${name} already exists`);
    await mkdir(gitDir, { recursive: true });
    await runGit(gitDir, ['init', '--bare', '--quiet', `--initial-branch=${options.defaultBranch ?? 'main'}`]);
    const handle = await this.load(owner, name);
    handle.info.private = options.private ?? false;
    handle.info.description = options.description ?? null;
    handle.info.fork = options.fork ?? false;
    await this.save(handle);
    return handle;
  }

  /** Deletes a repository for good: its directory goes, and its name may be taken again. */
  async remove(handle: RepoHandle): Promise<void> {
    const key = `${handle.owner}/${handle.name}`.toLowerCase();
    await rm(handle.gitDir, { recursive: true, force: true });
    this.cache.delete(key);
    for (const [former, moved] of this.formerNames) if (moved === handle) this.formerNames.delete(former);
  }

  async save(handle: RepoHandle): Promise<void> {
    const file = join(handle.gitDir, SIDECAR);
    // A name of its own per write: a listing may save a repository while its creation saves it too.
    const tmp = `${file}.${process.pid}.${++saveSeq}.tmp`;
    await writeFile(tmp, JSON.stringify(handle.info, null, 2));
    await rename(tmp, file);
  }

  /** Serialises read-modify-write sequences (ref moves, sidecar edits, renames) per repository. */
  async withLock<T>(handle: RepoHandle, fn: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(handle) ?? Promise.resolve();
    const next = previous.then(fn, fn);
    this.locks.set(handle, next.catch(() => undefined));
    return next;
  }

  /**
   * Renames and/or transfers a repository: the bare repository moves to
   * `<root>/<owner>/<name>.git`, keeping its id, hooks, pulls and grants, and its push hooks are
   * reinstalled for the new path. The handle is updated in place; callers hold its lock.
   */
  async move(handle: RepoHandle, owner: string, name: string): Promise<void> {
    const existing = await this.find(owner, name);
    if (existing && existing !== handle) throw new Error(`repository ${owner}/${name} already exists`);
    const from = { key: `${handle.owner}/${handle.name}`.toLowerCase(), gitDir: handle.gitDir };
    const gitDir = join(this.root, owner, `${name}.git`);
    await mkdir(dirname(gitDir), { recursive: true });
    await rename(from.gitDir, gitDir);
    // An owner left without repositories leaves no directory behind (rmdir refuses non-empty ones).
    if (dirname(from.gitDir) !== dirname(gitDir)) await rmdir(dirname(from.gitDir)).catch(() => undefined);
    Object.assign(handle, { owner, name, gitDir });
    Object.assign(handle.info, { owner, name });
    this.cache.delete(from.key);
    this.cache.set(`${owner}/${name}`.toLowerCase(), handle);
    this.formerNames.set(from.key, handle);
    this.formerNames.delete(`${owner}/${name}`.toLowerCase());
    await this.save(handle);
    await this.onDiscover(handle);
  }

  /**
   * The repository that used to be called `owner/name`, while nothing else took that name:
   * GitHub redirects requests for a renamed or transferred repository.
   * https://docs.github.com/repositories/creating-and-managing-repositories/renaming-a-repository
   */
  async formerlyNamed(owner: string, name: string): Promise<RepoHandle | null> {
    const handle = this.formerNames.get(`${owner}/${name}`.toLowerCase());
    if (!handle || !existsSync(handle.gitDir) || (await this.find(owner, name))) return null;
    return handle;
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
      fork: false,
      description: null,
      createdAt: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      grants: [],
      protection: {},
      hooks: [],
      pulls: [],
      nextPullNumber: 1,
      issues: [],
      issueComments: [],
      reviewComments: [],
      releases: [],
      nextObjectSeq: 1,
      ...stored,
    };
    const handle: RepoHandle = { owner, name, gitDir, info };
    this.cache.set(key, handle);
    await this.save(handle);
    await this.onDiscover(handle);
    return handle;
  }
}

/**
 * The next id of a comment, release or asset of this repository, stable across restarts and
 * increasing like GitHub's (clients order comments created in the same second by id).
 */
export function nextObjectId(handle: RepoHandle, kind: string): number {
  return (stableId(`${kind}:${handle.info.id}`) % 1_000_000) * 1_000_000 + handle.info.nextObjectSeq++;
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
