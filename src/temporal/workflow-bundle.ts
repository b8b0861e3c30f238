import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';

const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

/** The bundler's own chatter stays out of our logs; its warnings and errors do not. */
const bundlerLogger = {
  trace: () => {},
  debug: () => {},
  info: () => {},
  warn: (message: string) => console.warn(message),
  error: (message: string) => console.error(message),
  log: () => {},
};

/**
 * The workflow code as one bundle, as a worker loads it: built here at start-up when no prebuilt
 * bundle is given, and once per run by the test and benchmark set-ups.
 */
export async function bundleWorkflows(): Promise<string> {
  const { code } = await bundleWorkflowCode({ workflowsPath, logger: bundlerLogger });
  return code;
}
