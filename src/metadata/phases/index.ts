import { commentsRepository } from '../../db/repositories/comments.js';
import { issuesRepository } from '../../db/repositories/issues.js';
import type { MetadataPhase } from '../../shared/metadata-sync.js';
import { issueCommentFromGitHub, issueFromGitHub, reviewCommentFromGitHub } from '../github-items.js';
import type { PhaseContext } from '../phase-context.js';
import { syncCommits } from './sync-commits.js';
import { syncPulls } from './sync-pulls.js';
import { syncRefListing } from './sync-ref-listing.js';
import { syncReleases } from './sync-releases.js';
import { syncSinceListing } from './sync-since-listing.js';

/** What each phase does. */
export const PHASES: Record<MetadataPhase, (ctx: PhaseContext) => Promise<void>> = {
  branches: (ctx) => syncRefListing(ctx, 'branch'),
  tags: (ctx) => syncRefListing(ctx, 'tag'),
  commits: syncCommits,
  // The issues list returns pull requests too: both get their issue row here.
  issues: (ctx) =>
    syncSinceListing(ctx, {
      route: 'GET /repos/{owner}/{repo}/issues',
      params: { state: 'all' },
      parse: issueFromGitHub,
      updatedAt: (row) => row.updated_at as Date,
      store: (db, rows) => issuesRepository(db).upsert(ctx.project.id, rows),
    }),
  pulls: syncPulls,
  comments: (ctx) =>
    syncSinceListing(ctx, {
      route: 'GET /repos/{owner}/{repo}/issues/comments',
      parse: issueCommentFromGitHub,
      updatedAt: (row) => row.updated_at as Date,
      store: (db, rows) => commentsRepository(db).upsert(ctx.project.id, rows),
    }),
  reviewComments: (ctx) =>
    syncSinceListing(ctx, {
      route: 'GET /repos/{owner}/{repo}/pulls/comments',
      parse: reviewCommentFromGitHub,
      updatedAt: (row) => row.updated_at as Date,
      store: (db, rows) => commentsRepository(db).upsert(ctx.project.id, rows),
    }),
  releases: syncReleases,
};
