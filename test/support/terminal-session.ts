import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TerminalRun {
  exitCode: number;
  /** Every distinct screen seen while the command ran, oldest first. */
  screens: string[];
  /** What the command printed (wrapped lines joined), without the prompt and the typed command. */
  printed: string;
}

export interface TerminalSession {
  /** Types a command at the shell prompt and waits for it to exit. */
  run(command: string, timeoutMs?: number): Promise<TerminalRun>;
  close(): Promise<void>;
}

/**
 * A real pseudo-terminal: a tmux session (on its own server socket) running bash, 120×30,
 * read back with `capture-pane` exactly as a person would see it.
 */
export async function openTerminalSession(options: { cwd: string; env: Record<string, string> }): Promise<TerminalSession> {
  // Its own server socket in its own folder: other tmux sessions on the machine are never touched.
  const socketDir = await mkdtemp(path.join(os.tmpdir(), 'reposync-tmux-'));
  const tmux = (...args: string[]) => run('tmux', ['-S', path.join(socketDir, 'socket'), ...args], { encoding: 'utf8' }).then((result) => result.stdout);
  const env = Object.entries(options.env).flatMap(([name, value]) => ['-e', `${name}=${value}`]);
  await tmux('new-session', '-d', '-s', 'cli', '-x', '120', '-y', '30', '-c', options.cwd, ...env, 'bash --noprofile --norc');
  await tmux('set-option', '-t', 'cli', 'history-limit', '10000');
  return {
    async run(command, timeoutMs = 60_000) {
      await tmux('send-keys', '-t', 'cli', 'clear', 'Enter');
      await sleep(100);
      await tmux('clear-history', '-t', 'cli');
      await tmux('send-keys', '-t', 'cli', '-l', `${command}; echo "__exit=$?__"`);
      await tmux('send-keys', '-t', 'cli', 'Enter');
      const screens: string[] = [];
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const screen = await tmux('capture-pane', '-p', '-t', 'cli');
        if (screens[screens.length - 1] !== screen) screens.push(screen);
        const exit = /__exit=(\d+)__/.exec(screen);
        if (exit) {
          const lines = (await tmux('capture-pane', '-p', '-J', '-S', '-', '-t', 'cli')).split('\n');
          const typed = lines.findLastIndex((line) => line.includes('echo "__exit=$?__"'));
          const end = lines.findIndex((line) => /^__exit=\d+__$/.test(line.trim()));
          return { exitCode: Number(exit[1]), screens, printed: lines.slice(typed + 1, end).join('\n') };
        }
        if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms running ${command}; the screen:\n${screen}`);
        await sleep(50);
      }
    },
    async close() {
      await tmux('kill-server').catch(() => {});
      await rm(socketDir, { recursive: true, force: true });
    },
  };
}
