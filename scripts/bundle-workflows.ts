import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';

/** `npm run build:workflows`: prebuilds the workflow bundle the production worker loads. */
const root = fileURLToPath(new URL('..', import.meta.url));
const output = path.join(root, 'dist', 'workflow-bundle.js');
const { code } = await bundleWorkflowCode({ workflowsPath: path.join(root, 'src', 'workflows', 'index.ts') });
await mkdir(path.dirname(output), { recursive: true });
await writeFile(output, code);
process.stdout.write(`wrote ${output} (${code.length} bytes)\n`);
