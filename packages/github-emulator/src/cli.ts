/**
 * Serves a directory of bare repositories (`<root>/<owner>/<repo>.git`) as a GitHub emulator.
 *
 *   github-emulator --root ./data/github --port 3100 [--codeload-port 3101] [--host 127.0.0.1] [--token ghp_x]
 *   npm run github-emulator -- --root ./data/github --port 3100     (from the repository root)
 *
 * Prints the API base URL, the codeload URL and a personal access token that works.
 */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { startGitHubEmulator } from './index.js';

const { values } = parseArgs({
  options: {
    root: { type: 'string' },
    port: { type: 'string', default: '3100' },
    'codeload-port': { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    token: { type: 'string', multiple: true, default: [] },
  },
});

if (!values.root) {
  console.error('usage: github-emulator --root <dir> [--port <port>] [--codeload-port <port>] [--host <host>] [--token <pat>]...');
  process.exit(2);
}

const emulator = await startGitHubEmulator({
  root: resolve(values.root),
  port: Number(values.port),
  codeloadPort: Number(values['codeload-port']),
  host: values.host,
  tokens: values.token,
});

console.log(`GitHub emulator serving ${resolve(values.root)}`);
console.log(`  API base URL: ${emulator.url}`);
console.log(`  codeload URL: ${emulator.codeloadUrl}`);
console.log(`  token:        ${emulator.token}`);
console.log(`  try: curl -H "Authorization: token ${emulator.token}" ${emulator.url}/repos/<owner>/<repo>`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void emulator.close().then(() => process.exit(0));
  });
}
