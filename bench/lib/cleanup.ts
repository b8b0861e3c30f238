/**
 * Stops what the benchmark started, last first, exactly once: at the end, on a failure, and on
 * SIGINT/SIGTERM. A stop that fails is reported and the others still run.
 */
export class Cleanup {
  private readonly stops: Array<{ name: string; stop: () => Promise<void> | void }> = [];
  private running: Promise<void> | undefined;

  add(name: string, stop: () => Promise<void> | void): void {
    this.stops.push({ name, stop });
  }

  /** Runs `stop` now and forgets it (for what ends before the benchmark does). */
  async release(name: string): Promise<void> {
    const index = this.stops.findLastIndex((entry) => entry.name === name);
    if (index < 0) return;
    const [entry] = this.stops.splice(index, 1);
    await entry!.stop();
  }

  run(): Promise<void> {
    this.running ??= (async () => {
      for (let entry = this.stops.pop(); entry; entry = this.stops.pop()) {
        try {
          await entry.stop();
        } catch (error) {
          process.stderr.write(`cleanup: stopping ${entry.name} failed: ${(error as Error).message}\n`);
        }
      }
    })();
    return this.running;
  }

  /** Cleans up and exits when the benchmark is interrupted. */
  onSignals(): void {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => {
        process.stderr.write(`\n${signal}: cleaning up\n`);
        void this.run().finally(() => process.exit(130));
      });
    }
  }
}
