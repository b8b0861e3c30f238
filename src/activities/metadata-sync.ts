import { Context } from '@temporalio/activity';
import { projectsRepository } from '../db/repositories/projects.js';
import { syncStatesRepository } from '../db/repositories/sync-states.js';
import { githubFailure } from '../github/sync-failure.js';
import { PHASES } from '../metadata/phases/index.js';
import type { PhaseContext } from '../metadata/phase-context.js';
import { metadataEnabled, PHASE_SETTING, type MetadataPhaseInput, type MetadataPhaseResult } from '../shared/metadata-sync.js';
import type { ActivityDeps } from './deps.js';
import { permanentFailure } from './failures.js';

/** Commits stored per run when the deployment does not say otherwise. */
export const DEFAULT_MAX_COMMITS_PER_RUN = 5_000;

/**
 * One phase of a project's metadata sync. A phase switched off by the project's `metadata`
 * setting makes no request and keeps its rows. A failure is recorded on the phase (its cursor
 * and ETag stay where they were) and thrown classified, so Temporal retries what can succeed.
 */
export function createMetadataSyncActivities(deps: ActivityDeps) {
  const { db, github, log } = deps;
  return {
    async syncMetadataPhase(input: MetadataPhaseInput): Promise<MetadataPhaseResult> {
      const { projectId, phase } = input;
      const result: MetadataPhaseResult = { phase, skipped: false, requests: 0, notModified: 0, rowsWritten: 0, rejected: 0 };
      const project = await projectsRepository(db).findById(projectId);
      if (!project) throw permanentFailure('not-found', `project ${projectId} no longer exists`);
      if (!metadataEnabled(project.metadata, PHASE_SETTING[phase])) return { ...result, skipped: true };
      const states = syncStatesRepository(db);
      let context: Context | undefined;
      try {
        context = Context.current();
      } catch {
        context = undefined;
      }
      try {
        const client = await github(project, { priority: project.fleet_id ? 'bulk' : 'poll' });
        const ctx: PhaseContext = {
          db,
          octokit: client.octokit,
          project,
          phase,
          state: await states.get(projectId, phase),
          maxCommitsPerRun: deps.metadataMaxCommitsPerRun ?? DEFAULT_MAX_COMMITS_PER_RUN,
          heartbeat: () => context?.heartbeat(),
          warn: (message, fields) => log.warn(message, fields),
          result,
        };
        await PHASES[phase](ctx);
        return result;
      } catch (error) {
        const failure = githubFailure(error, `${project.owner}/${project.repo} ${phase}`);
        await states.recordFailure(projectId, phase, failure.type ?? 'internal').catch(() => undefined);
        throw failure;
      }
    },
  };
}
