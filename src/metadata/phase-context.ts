import type { Db } from '../db/connection.js';
import type { Project } from '../db/repositories/projects.js';
import type { SyncStateRow } from '../db/repositories/sync-states.js';
import type { ReposyncOctokit } from '../github/octokit.js';
import type { MetadataPhase, MetadataPhaseResult } from '../shared/metadata-sync.js';
import { InvalidGitHubItemError } from './github-items.js';

/** What a phase works with: the project, its GitHub client, where the phase stands, and its tallies. */
export interface PhaseContext {
  db: Db;
  octokit: ReposyncOctokit;
  project: Pick<Project, 'id' | 'owner' | 'repo'>;
  phase: MetadataPhase;
  state: SyncStateRow | undefined;
  /** Most commits one run stores; the walk continues in the next run. */
  maxCommitsPerRun: number;
  /** Tells Temporal the phase is alive (between pages). */
  heartbeat(): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  result: MetadataPhaseResult;
}

export type Page = { notModified: true } | { notModified: false; items: unknown[]; etag: string | null; hasNext: boolean };

/**
 * One page of a GitHub listing, conditional on `etag` when given: a 304 costs no rate limit.
 * https://docs.github.com/rest/using-the-rest-api/best-practices-for-using-the-rest-api#use-conditional-requests-if-appropriate
 */
export async function fetchPage(ctx: PhaseContext, route: string, params: Record<string, string | number | undefined>, etag?: string | null): Promise<Page> {
  const { owner, repo } = ctx.project;
  ctx.result.requests += 1;
  try {
    const response = await ctx.octokit.request(route, { owner, repo, ...params, headers: etag ? { 'if-none-match': etag } : {} });
    if (!Array.isArray(response.data)) throw new InvalidGitHubItemError(route, 'the listing is not an array');
    const link = typeof response.headers.link === 'string' ? response.headers.link : '';
    return { notModified: false, items: response.data as unknown[], etag: response.headers.etag ?? null, hasNext: /rel="next"/.test(link) };
  } catch (error) {
    if ((error as { status?: number }).status !== 304) throw error;
    ctx.result.notModified += 1;
    return { notModified: true };
  }
}

/** Maps items, leaving out (and counting) those that fail validation: one bad item must not block the rest. */
export function validItems<T>(ctx: PhaseContext, items: unknown[], parse: (item: unknown) => T): T[] {
  const out: T[] = [];
  for (const item of items) {
    try {
      out.push(parse(item));
    } catch (error) {
      if (!(error instanceof InvalidGitHubItemError)) throw error;
      ctx.result.rejected += 1;
      ctx.warn('metadata item rejected', { projectId: ctx.project.id, phase: ctx.phase, problem: error.message });
    }
  }
  return out;
}
