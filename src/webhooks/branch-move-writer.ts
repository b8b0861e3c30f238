import type { Db } from '../db/connection.js';
import { commitsRepository } from '../db/repositories/commits.js';
import { refsRepository } from '../db/repositories/refs.js';

/**
 * A branch push or deletion as its delivery states it: `before` is null for a branch the push
 * created (or a deletion, which needs no start), `after` is null for a deleted branch.
 */
export interface BranchMove {
  name: string;
  before: string | null;
  after: string | null;
}

export interface BranchMoveWriter {
  /**
   * Queues a pushed branch move of a project for the stored refs; `commits` says whether the
   * project stores commits, so a head not stored yet asks for the commit walk.
   */
  record(projectId: string, move: BranchMove, options: { commits: boolean }): void;
  /** Writes what is queued now (tests, shutdown). */
  flush(): Promise<void>;
  stop(): Promise<void>;
}

interface Queued {
  projectId: string;
  moves: BranchMove[];
  commits: boolean;
}

/**
 * Joins moves that follow one another (a→b, b→c becomes a→c), in arrival order, so a burst of
 * pushes to one branch is one write. A move that does not continue the chain (a redelivery out of
 * order, a push from before a force-push) is kept apart and checked against the stored ref on its own.
 */
export function chainMoves(moves: BranchMove[]): BranchMove[] {
  const chained: BranchMove[] = [];
  for (const move of moves) {
    const last = chained.at(-1);
    if (last && move.before !== null && move.after !== null && move.before === last.after) chained[chained.length - 1] = { ...last, after: move.after };
    else chained.push(move);
  }
  return chained;
}

/**
 * Moves stored branch refs as push and delete deliveries report them, after the delivery was answered:
 * written while answering, at hundreds of pushes a second to a few branches, the row locks queued
 * the answers behind one another (bench/webhook-ack.ts: answer p99 422–664 ms → 1.2–1.5 s). Here
 * the moves of a one-second window are chained per branch and written together, in arrival order,
 * so a deletion is never undone by a push queued before it, and a branch pushed ten times a second
 * costs one write a second.
 *
 * A move applies only where the stored ref is still where the push started (or, for a created
 * branch, where no ref is stored), so a late or reordered delivery can never move a branch back.
 * A move that does not apply, and a head whose commit is not stored yet, ask for `reconcile` (the
 * project's ref phases: one conditional listing per ref kind, free when unchanged, and a commit
 * walk), at most once per project per `reconcileGapMs`: a branch pushed all day costs about two
 * rate-limit points a minute, and its commits are stored within a minute of the push. What is queued lives in memory: a process that dies before
 * writing it leaves those refs to the next metadata sync, which the poll starts for every project.
 */
export function startBranchMoveWriter(options: {
  db: Db;
  /** Asks the project's metadata sync to read its refs and commits (again, if one is running). */
  reconcile(projectId: string): Promise<unknown>;
  log: { warn(fields: object, message: string): void };
  intervalMs?: number;
  reconcileGapMs?: number;
}): BranchMoveWriter {
  const { db, reconcile, log, intervalMs = 1_000, reconcileGapMs = 60_000 } = options;
  const refs = refsRepository(db);
  const commits = commitsRepository(db);
  let queued = new Map<string, Queued>();
  let writing: Promise<void> = Promise.resolve();
  let stopped = false;
  const reconciledAt = new Map<string, number>();
  const reconcileTimers = new Map<string, NodeJS.Timeout>();

  const timer = setInterval(() => void flush(), intervalMs);
  timer.unref();

  /** A walk for the project is waiting for its gap to pass, or started within it. */
  const reconcileDue = (projectId: string) => reconcileTimers.has(projectId) || Date.now() - (reconciledAt.get(projectId) ?? -Infinity) < reconcileGapMs;

  /** Starts the project's metadata sync now, or once the gap since the last start has passed. */
  function reconcileSoon(projectId: string): void {
    if (stopped || reconcileTimers.has(projectId)) return;
    const wait = (reconciledAt.get(projectId) ?? -Infinity) + reconcileGapMs - Date.now();
    const start = () => {
      reconcileTimers.delete(projectId);
      reconciledAt.set(projectId, Date.now());
      reconcile(projectId).catch((error: Error) => log.warn({ projectId, error: error.message }, 'could not start the metadata sync for a pushed branch; the poll will'));
    };
    if (wait <= 0) return start();
    const delayed = setTimeout(start, wait);
    delayed.unref();
    reconcileTimers.set(projectId, delayed);
  }

  async function write(batch: Map<string, Queued>): Promise<void> {
    for (const [key, { projectId, moves, commits: wantsCommits }] of batch) {
      const name = key.slice(projectId.length + 1);
      try {
        let applied = true;
        for (const move of chainMoves(moves)) {
          if (move.after === null) await refs.remove(projectId, 'branch', name);
          else applied = (await refs.moveBranch(projectId, name, move.before, move.after)) && applied;
        }
        const head = moves.at(-1)!.after;
        // With a walk already due, asking again is free; only otherwise is the head looked up.
        if (!applied || (head !== null && wantsCommits && (reconcileDue(projectId) || !(await commits.known(projectId, [head])).has(head)))) reconcileSoon(projectId);
      } catch (error) {
        log.warn({ projectId, branch: name, error: (error as Error).message }, 'could not store a pushed branch; the metadata sync will');
        reconcileSoon(projectId);
      }
    }
  }

  function flush(): Promise<void> {
    if (queued.size === 0) return writing;
    const batch = queued;
    queued = new Map();
    writing = writing.then(() => write(batch));
    return writing;
  }

  return {
    record(projectId, move, { commits: wantsCommits }) {
      if (stopped) return;
      const key = `${projectId}:${move.name}`;
      const entry = queued.get(key);
      if (entry) entry.moves.push(move);
      else queued.set(key, { projectId, moves: [move], commits: wantsCommits });
    },
    flush,
    async stop() {
      clearInterval(timer);
      await flush();
      stopped = true;
      for (const pending of reconcileTimers.values()) clearTimeout(pending);
      reconcileTimers.clear();
    },
  };
}
