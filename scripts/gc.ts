import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../src/config.js';
import { collectGarbage } from '../src/gc/collect-garbage.js';
import { garbageStoreFor } from '../src/gc/garbage-store-adapter.js';
import { runMain } from '../src/run-main.js';
import { openServices } from '../src/services.js';

const USAGE = 'usage: npm run gc -- [--grace-hours N] [--keep-snapshots N]';

/**
 * `npm run gc`: one garbage collection of the blob store now, with the configured grace period
 * and snapshot retention (GC_GRACE_HOURS, SNAPSHOT_KEEP) unless given here; prints what it removed.
 * The scheduled run (GC_INTERVAL_HOURS) does the same; the two never overlap.
 */
runMain(async () => {
  const config = loadConfig();
  const values = readFlags();
  const graceHours = wholeNumber(values['grace-hours'], '--grace-hours') ?? config.gc.graceHours;
  const keepSnapshots = wholeNumber(values['keep-snapshots'], '--keep-snapshots') ?? config.gc.keepSnapshots;
  const services = await openServices(config, { migrate: false });
  try {
    const started = Date.now();
    const report = await collectGarbage(services.db, garbageStoreFor(services.blobs), { graceMs: graceHours * 3_600_000, keepSnapshots });
    if (!report) {
      process.stdout.write('another garbage collection is running; nothing done\n');
      return;
    }
    const lines = Object.entries(report).map(([name, value]) => `${name}: ${typeof value === 'object' ? JSON.stringify(value) : value}`);
    process.stdout.write(`${lines.join('\n')}\ntook ${Date.now() - started} ms\n`);
  } finally {
    await services.close();
  }
});

function readFlags() {
  try {
    return parseArgs({ options: { 'grace-hours': { type: 'string' }, 'keep-snapshots': { type: 'string' } }, strict: true }).values;
  } catch (error) {
    throw new ConfigError([`${(error as Error).message}; ${USAGE}`]);
  }
}

function wholeNumber(raw: string | undefined, flag: string): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw)) throw new ConfigError([`${flag} must be a whole number, got "${raw}"; ${USAGE}`]);
  return Number(raw);
}
