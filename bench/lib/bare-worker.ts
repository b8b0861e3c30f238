/**
 * A bare Temporal worker: the same workflow bundle as reposync's, no activities, nothing else
 * loaded. Its resident memory at rest is what the Temporal SDK itself costs.
 *
 *   TEMPORAL_ADDRESS=… TASK_QUEUE=… WORKFLOW_BUNDLE_PATH=… node --import tsx bench/lib/bare-worker.ts
 */
import { NativeConnection, Runtime, DefaultLogger, Worker } from '@temporalio/worker';

const { TEMPORAL_ADDRESS: address, TASK_QUEUE: taskQueue, WORKFLOW_BUNDLE_PATH: codePath } = process.env;
if (!address || !taskQueue || !codePath) throw new Error('TEMPORAL_ADDRESS, TASK_QUEUE and WORKFLOW_BUNDLE_PATH are required');
Runtime.install({ logger: new DefaultLogger('WARN') });
const connection = await NativeConnection.connect({ address });
const worker = await Worker.create({ connection, taskQueue, workflowBundle: { codePath } });
const running = worker.run();
process.stdout.write('bare worker started\n');
await running;
await connection.close();
