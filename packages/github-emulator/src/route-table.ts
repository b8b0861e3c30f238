import { Router } from './http/router.js';
import { appRoutes } from './routes/app-routes.js';
import { archiveRoutes, codeloadRoutes } from './routes/archive-routes.js';
import { blobRoutes } from './routes/blob-routes.js';
import { branchRoutes } from './routes/branch-routes.js';
import { commitRoutes } from './routes/commit-routes.js';
import { compareRoute } from './routes/compare-route.js';
import { gitCommitRoutes } from './routes/git-commit-routes.js';
import { hookRoutes } from './routes/hook-routes.js';
import { issueCommentRoutes } from './routes/issue-comment-routes.js';
import { issueRoutes } from './routes/issue-routes.js';
import { pullRoutes } from './routes/pull-routes.js';
import { releaseRoutes } from './routes/release-routes.js';
import { reviewCommentRoutes } from './routes/review-comment-routes.js';
import { orgRepositoryRoutes } from './routes/org-repository-routes.js';
import { refRoutes } from './routes/ref-routes.js';
import { repositoryRoutes } from './routes/repository-routes.js';
import { treeRoutes } from './routes/tree-routes.js';

/**
 * The API host's route groups, in registration order: the first matching route answers, so
 * specific routes come before greedy ones. The package README is generated from these routers.
 */
const API_ROUTES = [repositoryRoutes, orgRepositoryRoutes, branchRoutes, commitRoutes, compareRoute, refRoutes, treeRoutes, blobRoutes, gitCommitRoutes, archiveRoutes, issueCommentRoutes, issueRoutes, reviewCommentRoutes, pullRoutes, releaseRoutes, hookRoutes, appRoutes];

/** The REST API host's routes. */
export function apiRouter(): Router {
  const router = new Router();
  for (const register of API_ROUTES) register(router);
  return router;
}

/** The codeload host's routes, where archive redirects lead. */
export function codeloadRouter(): Router {
  const router = new Router();
  codeloadRoutes(router);
  return router;
}
