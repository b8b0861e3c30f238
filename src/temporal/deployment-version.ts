import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Client } from '@temporalio/client';
import type { WorkerDeploymentVersion } from '@temporalio/common';

/** When a worker makes its own version the deployment's current one, to which new runs go. */
export type SetCurrentVersion = 'always' | 'if-unset' | 'never';

const packageVersion = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/**
 * A build id that changes exactly when the workflow code does: the package version and the first
 * 12 hex digits of the SHA-256 of the workflow bundle. Activity-only changes keep it.
 */
export function buildIdOf(workflowBundleCode: string): string {
  return `${packageVersion}-${createHash('sha256').update(workflowBundleCode).digest('hex').slice(0, 12)}`;
}

/** The label people read: `deploymentName.buildId`, as the Temporal CLI and UI write it. */
export const versionLabel = (version: WorkerDeploymentVersion) => `${version.deploymentName}.${version.buildId}`;

/**
 * Makes `version` the current version of its deployment, so new runs (and unversioned ones) go to
 * its workers; with `if-unset`, only when the deployment has none yet (its first deploy). A
 * version exists on the server once one of its workers has polled, so this waits for that.
 * Returns whether it set it.
 */
export async function makeCurrentVersion(temporal: Client, namespace: string, version: WorkerDeploymentVersion, when: SetCurrentVersion, timeoutMs = 30_000): Promise<boolean> {
  if (when === 'never') return false;
  const service = temporal.workflowService;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (when === 'if-unset') {
        const current = await currentBuildId(temporal, namespace, version.deploymentName);
        if (current !== null) return current === version.buildId;
      }
      await service.setWorkerDeploymentCurrentVersion({ namespace, deploymentName: version.deploymentName, buildId: version.buildId, identity: `reposync ${versionLabel(version)}` });
      return true;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`could not make ${versionLabel(version)} the current version: ${(error as Error).message}`, { cause: error });
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

/** The deployment's current build id; null when it has none, or the deployment does not exist yet. */
export async function currentBuildId(temporal: Client, namespace: string, deploymentName: string): Promise<string | null> {
  try {
    const { workerDeploymentInfo } = await temporal.workflowService.describeWorkerDeployment({ namespace, deploymentName });
    return workerDeploymentInfo?.routingConfig?.currentDeploymentVersion?.buildId || null;
  } catch (error) {
    if ((error as { code?: number }).code === 5) return null; // gRPC NOT_FOUND: no worker of it has polled yet
    throw error;
  }
}
