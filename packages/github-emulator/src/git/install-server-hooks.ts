import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Installs `pre-receive` and `post-receive` hooks in a served bare repository so that a plain
 * `git push` behaves like a push to GitHub: protected branches refuse it (GH006 / GH003), and
 * once refs moved the emulator is told over loopback HTTP and delivers the push webhooks.
 * https://git-scm.com/docs/githooks#post-receive
 */
export async function installServerHooks(gitDir: string, notifyUrl: string, secret: string): Promise<void> {
  const hooks = join(gitDir, 'hooks');
  await mkdir(hooks, { recursive: true });
  await writeFile(join(hooks, 'github-emulator-hook.cjs'), HOOK_SCRIPT);
  for (const kind of ['pre-receive', 'post-receive']) {
    const script = `#!/bin/sh\nexec ${quote(process.execPath)} ${quote(join(hooks, 'github-emulator-hook.cjs'))} ${kind} ${quote(notifyUrl)} ${quote(secret)}\n`;
    await writeFile(join(hooks, kind), script);
    await chmod(join(hooks, kind), 0o755);
  }
}

function quote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

// Plain CommonJS so it runs whatever package.json scope the repositories live under.
const HOOK_SCRIPT = String.raw`'use strict';
const { readFileSync } = require('node:fs');
const { execFileSync } = require('node:child_process');
const [kind, url, secret] = process.argv.slice(2);
const ZERO = '0000000000000000000000000000000000000000';
const input = readFileSync(0, 'utf8');
const updates = input.split('\n').filter(Boolean).map((line) => {
  const [before, after, ref] = line.split(' ');
  return { before, after, ref };
});
if (kind === 'pre-receive') {
  let info = {};
  try { info = JSON.parse(readFileSync('github-emulator.json', 'utf8')); } catch { /* no sidecar: nothing protected */ }
  for (const u of updates) {
    if (!u.ref.startsWith('refs/heads/')) continue;
    const rule = (info.protection || {})[u.ref.slice('refs/heads/'.length)];
    if (!rule) continue;
    if (rule.requirePullRequest) {
      process.stderr.write('error: GH006: Protected branch update failed for ' + u.ref + '.\nerror: Changes must be made through a pull request.\n');
      process.exit(1);
    }
    if (u.after === ZERO && !rule.allowForcePushes) {
      process.stderr.write('error: GH006: Protected branch update failed for ' + u.ref + '.\nerror: Cannot delete this protected branch.\n');
      process.exit(1);
    }
    if (u.before !== ZERO && u.after !== ZERO && !rule.allowForcePushes) {
      try { execFileSync('git', ['merge-base', '--is-ancestor', u.before, u.after]); } catch {
        process.stderr.write('error: GH003: Cannot force-push to this protected branch.\n');
        process.exit(1);
      }
    }
  }
  process.exit(0);
}
fetch(url, {
  method: 'POST',
  headers: { 'content-type': 'application/json', 'x-emulator-secret': secret },
  body: JSON.stringify({ gitDir: process.cwd(), updates }),
}).then((res) => { if (!res.ok) process.stderr.write('github-emulator: notify failed with ' + res.status + '\n'); },
  (err) => process.stderr.write('github-emulator: notify failed: ' + err.message + '\n'));
`;
