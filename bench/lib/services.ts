import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { startGitHubEmulator, type EmulatorOptions, type GitHubEmulator } from '@reposync/github-emulator';
import { startDevServices, type S3Credentials } from '../../test/support/dev-services/index.js';
import type { Cleanup } from './cleanup.js';

export interface BenchServices {
  root: string;
  postgresUrl: string;
  s3: S3Credentials;
  temporalAddress: string;
  github: GitHubEmulator;
  workflowBundlePath: string;
}

/**
 * The real services, on loopback, under `root`: the tests' own (PostgreSQL, SeaweedFS (S3), a
 * Temporal dev server, the workflow bundle the worker processes load) and the GitHub emulator.
 */
export async function startBenchServices(root: string, cleanup: Cleanup, emulator: Pick<EmulatorOptions, 'apps'> = {}): Promise<BenchServices> {
  const services = await startDevServices(root, { onStarted: (name, stop) => cleanup.add(name, stop) });
  const githubRoot = path.join(root, 'github');
  await mkdir(githubRoot, { recursive: true });
  const github = await startGitHubEmulator({ root: githubRoot, ...emulator });
  cleanup.add('github emulator', github.close);
  return { root, postgresUrl: services.databaseUrl, s3: services.s3, temporalAddress: services.temporalAddress, github, workflowBundlePath: services.workflowBundlePath };
}
