import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Cleanup } from './cleanup.js';
import { log } from './scenario.js';
import { startBenchServices, type BenchServices } from './services.js';

export interface BenchRun {
  /** A temp dir of the run's own, removed afterwards. */
  root: string;
  services: BenchServices;
  cleanup: Cleanup;
  /** The exact command line, printed under the figures. */
  command: string;
}

/**
 * A benchmark's frame: options parsed first (a bad flag costs no service start), then a temp dir
 * and PostgreSQL, SeaweedFS, Temporal and the GitHub emulator; everything stops afterwards, on a
 * failure and on Ctrl-C, and a failure sets the exit code.
 */
export function runBench<O>(
  script: string,
  parse: (argv: string[]) => O,
  body: (options: O, run: BenchRun) => Promise<void>,
  prepare?: () => Promise<void> | void,
  /** GitHub Apps the emulator serves, for benchmarks of installations. */
  emulator: Parameters<typeof startBenchServices>[2] = {},
): void {
  const argv = process.argv.slice(2);
  const cleanup = new Cleanup();
  const main = async () => {
    const options = parse(argv);
    await prepare?.();
    cleanup.onSignals();
    const root = await mkdtemp(path.join(os.tmpdir(), 'reposync-bench-'));
    cleanup.add('temp dir', () => rm(root, { recursive: true, force: true }));
    log('starting PostgreSQL, SeaweedFS, Temporal and the GitHub emulator');
    const services = await startBenchServices(root, cleanup, emulator);
    try {
      await body(options, { root, services, cleanup, command: ['node --import tsx', script, ...argv].join(' ') });
    } finally {
      log('stopping services and removing temp dirs');
    }
  };
  main()
    .catch((error: unknown) => {
      process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
      process.exitCode = 1;
    })
    .finally(() => cleanup.run());
}
