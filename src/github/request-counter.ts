import type { ReposyncOctokit } from './octokit.js';

export interface RequestCounter {
  /** Requests sent to GitHub, retries included; requests made outside Octokit add themselves. */
  count: number;
}

/** Counts every HTTP request an Octokit sends, so operations can report the API requests used. */
export function countRequests(octokit: ReposyncOctokit): RequestCounter {
  const counter: RequestCounter = { count: 0 };
  octokit.hook.before('request', () => {
    counter.count += 1;
  });
  return counter;
}
