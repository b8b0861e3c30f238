import { Context } from '@temporalio/activity';
import { pollCursorsRepository } from '../db/repositories/poll-cursors.js';
import { projectsRepository, type Project } from '../db/repositories/projects.js';
import { anyMetadataEnabled } from '../shared/metadata-sync.js';
import { startMetadataSyncOn } from '../temporal/metadata-sync.js';
import type { ClaimPollCursorInput, PollCounts, PollCursor, PollStretchInput, PollStretchResult } from '../shared/poll-projects.js';
import { lastDueSlot, nextRoundStart, slotDueOffsetMs } from '../sync/poll-slots.js';
import { runBounded } from '../sync/run-bounded.js';
import type { ActivityDeps } from './deps.js';
import { COUNT_OF, createHeadCheck, credentialCache, type HeadCheckOptions } from './poll-head-check.js';

/** Retries of a failing project are at least a poll interval apart, and at most this far. */
const MAX_RETRY_DELAY_MS = 6 * 60 * 60 * 1000;
/** The poll interval Schedules created before the backoff was configurable ran at. */
const DEFAULT_RETRY_BASE_MS = 5 * 60 * 1000;
/** A waiting stretch still heartbeats this often, so a lost worker is noticed. */
const HEARTBEAT_EVERY_MS = 5_000;
/**
 * Projects falling due within this long of each other are polled as one page: a few database
 * queries per page instead of per project at 10,000 projects, each project at most this late.
 */
const PAGE_GATHER_MS = 200;

const noCounts = (): PollCounts => ({ checked: 0, notModified: 0, unchanged: 0, moved: 0, retried: 0, failed: 0 });

/**
 * The polling failsafe's work. Rounds of one interval each: every enabled, imported project is
 * polled once per round, when its slot falls due (see poll-slots.ts), so requests are spread
 * evenly over the interval. The cursor (the round and the last project polled) is written to the
 * database after every page, so a poll that stops resumes where it was.
 */
export function createPollActivities(deps: ActivityDeps) {
  const { db, log } = deps;
  const projects = projectsRepository(db);
  const cursors = pollCursorsRepository(db);
  const checkHead = createHeadCheck(deps);

  /** Polls a page of due projects, a fixed number of requests in flight. */
  async function checkAll(page: Project[], options: HeadCheckOptions & { concurrency: number }, counts: PollCounts, beat: () => void): Promise<void> {
    await runBounded(page, options.concurrency, async (project) => {
      const outcome = await checkHead(project, options);
      counts[COUNT_OF[outcome]] += 1;
      counts.checked += 1;
      beat();
    });
  }

  /**
   * Starts the metadata sync of each project of the page that syncs any metadata and whose last
   * one the poll started over an interval ago. A start that fails is left to the next round; it
   * never fails the poll.
   */
  async function startDueMetadataSyncs(page: Project[], intervalMs: number, queue: { taskQueue: string; maximumAttempts: number }): Promise<void> {
    const candidates = page.filter((project) => anyMetadataEnabled(project.metadata));
    const due = await projects.claimMetadataDue(candidates.map((project) => project.id), intervalMs);
    for (const projectId of due) {
      try {
        if (!deps.temporal) throw new Error('the poll needs a Temporal client to start metadata syncs');
        // A run already under way may be one a push started for its refs only: the next round tries again.
        if (!(await startMetadataSyncOn(deps.temporal, queue, projectId)).started) await projects.releaseMetadataClaim(projectId);
      } catch (error) {
        await projects.releaseMetadataClaim(projectId).catch(() => {});
        log.warn('could not start a metadata sync from the poll; the next round tries again', { projectId, error: (error as Error).message });
      }
    }
  }

  return {
    /** Takes the task queue's cursor over for this poll and returns where its round is. */
    async claimPollCursor(input: ClaimPollCursorInput): Promise<PollCursor> {
      const row = await cursors.claim({ ...input, now: new Date() });
      return { roundStartedAt: row.round_started_at.toISOString(), after: row.after_slot !== null && row.after_id !== null ? { slot: row.after_slot, id: row.after_id } : null };
    },

    /**
     * Polls every project that falls due from the cursor on, waiting for each one's slot, until
     * `stretchMs` has passed or the round has ended. A retried attempt resumes from its last
     * heartbeat's cursor.
     */
    async pollStretch(input: PollStretchInput): Promise<PollStretchResult> {
      const context = Context.current();
      const { taskQueue, owner, intervalMs, pageSize } = input;
      let cursor = (context.info.heartbeatDetails as PollCursor | undefined) ?? input.cursor;
      const counts = noCounts();
      const beat = () => context.heartbeat(cursor);
      const options = { concurrency: input.concurrency, writer: input.writer, backoff: { baseMs: input.retryBaseMs ?? DEFAULT_RETRY_BASE_MS, maxMs: MAX_RETRY_DELAY_MS }, clients: credentialCache(deps.github) };
      const endsAt = Date.now() + input.stretchMs;
      const done = (extra: Pick<PollStretchResult, 'roundEnded' | 'superseded'>): PollStretchResult => ({ ...counts, cursor, ...extra });
      /** Waits until `at` or the stretch's end, whichever is first; false once the stretch is over. */
      const waitUntil = async (at: number) => {
        for (let now = Date.now(); now < Math.min(at, endsAt); now = Date.now()) {
          await context.sleep(Math.min(Math.min(at, endsAt) - now, HEARTBEAT_EVERY_MS));
          beat();
        }
        return Date.now() < endsAt;
      };

      for (;;) {
        const roundStart = Date.parse(cursor.roundStartedAt);
        if (Date.now() < roundStart) {
          if (!(await waitUntil(roundStart))) return done({ roundEnded: null, superseded: false });
          continue;
        }
        const dueSlot = lastDueSlot(Date.now() - roundStart, intervalMs);
        // One row more than a page: the first project not yet due says how long to wait.
        const rows = await projects.listPollable({ after: cursor.after, limit: pageSize + 1 });
        const due = rows.slice(0, pageSize).filter((project) => project.poll_slot <= dueSlot);
        const upcoming = rows[due.length];
        if (due.length > 0) {
          // The page is claimed before it is polled: a poll that takes the cursor over meanwhile
          // starts after it, so no project is read twice in a round. A poll that was taken over
          // stops here, before its next page. Until the page is done the heartbeat still carries
          // the cursor before it, so this poll's own retry after a crash polls the page again.
          const last = due.at(-1)!;
          const after = { slot: last.poll_slot, id: last.id };
          const nextDueAt = new Date(roundStart + (upcoming ? slotDueOffsetMs(upcoming.poll_slot, intervalMs) : intervalMs));
          if ((await cursors.advance(taskQueue, owner, { after, checked: due.length, nextDueAt })) === undefined) return done({ roundEnded: null, superseded: true });
          await checkAll(due, options, counts, beat);
          if (input.metadataIntervalMs) await startDueMetadataSyncs(due, input.metadataIntervalMs, input.writer);
          cursor = { ...cursor, after };
          beat();
        }
        if (!upcoming) {
          const finishedAt = new Date();
          const { startsAt, overrunMs } = nextRoundStart(new Date(roundStart), intervalMs, finishedAt);
          const ended = await cursors.finishRound(taskQueue, owner, { nextRoundAt: startsAt, overrunMs });
          if (!ended) return done({ roundEnded: null, superseded: true });
          if (overrunMs > 0) {
            log.warn(`poll round overran its ${intervalMs / 1000} s interval: ${(overrunMs / 1000).toFixed(1)} s behind`, { taskQueue, behindMs: overrunMs, intervalMs, checked: ended.checked });
          }
          cursor = { roundStartedAt: startsAt.toISOString(), after: null };
          beat();
          return done({ roundEnded: { checked: ended.checked, overrunMs }, superseded: false });
        }
        if (Date.now() >= endsAt) return done({ roundEnded: null, superseded: false });
        if (due.length === pageSize) continue;
        if (!(await waitUntil(Math.max(roundStart + slotDueOffsetMs(upcoming.poll_slot, intervalMs), Date.now() + PAGE_GATHER_MS)))) return done({ roundEnded: null, superseded: false });
      }
    },
  };
}
