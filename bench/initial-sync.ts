/**
 * Initial-sync benchmark: imports generated and real repositories
 * into S3 through the API, a Temporal dev server and a worker process of its own, and prints
 * files/s, MB/s, GitHub requests and the worker's peak RSS beside the by-hand way (git clone +
 * aws s3 cp) and the zip reader beside `unzip -p`. The large files are imported a second time with
 * the archive served from memory, beside `unzip -p` + upload, since the emulator's `git archive` is
 * slower than the import. Everything runs on loopback and stops itself.
 *
 *   node --import tsx bench/initial-sync.ts [--files N] [--large-mb M] [--repo /path/to/git/repo]
 */
import path from 'node:path';
import { parseBenchArgs } from './lib/args.js';
import { ensureAwsCli } from './lib/by-hand.js';
import { Report } from './lib/report.js';
import { largeFiles, mixedUnits, smallFiles } from './lib/repo-shapes.js';
import { compareWays, generateRepo, importFromMemory, importOnce, pushRepo, type BenchContext } from './lib/scenario.js';
import { runBench } from './lib/run-bench.js';
import { ensureUnzip } from './lib/zip-reader.js';

const UNIT_MIB = 50;

runBench(
  'bench/initial-sync.ts',
  parseBenchArgs,
  async (options, { services, cleanup, command }) => {
    const ctx: BenchContext = { services, cleanup, report: new Report(command) };
    const { parts } = options;

    if (parts.has('small')) {
      const label = `(1) ${options.files} small files`;
      await compareWays(ctx, label, 'small-files', await generateRepo(ctx, 'small-files', smallFiles(options.files)));
    }
    if (parts.has('large')) {
      const label = `(2) ${options.largeCount} x ${options.largeMiB} MiB text`;
      const compared = await compareWays(ctx, label, 'large-files', await generateRepo(ctx, 'large-files', largeFiles(options.largeCount, options.largeMiB)));
      await importFromMemory(ctx, label, 'large-files', compared);
    }
    if (parts.has('flat')) {
      const [small, large] = options.flatMiB.map((size) => ({ size, units: Math.max(1, Math.round(size / UNIT_MIB)) }));
      const runs = [];
      for (const { size, units } of [small!, large!]) {
        const name = `mixed-${size}mb`;
        await generateRepo(ctx, name, mixedUnits(units));
        runs.push({ label: `(3) mixed ~${size} MB`, f: await importOnce(ctx, `(3) mixed ~${size} MB`, name) });
      }
      ctx.report.addFlat(runs[0]!, runs[1]!);
    }
    if (parts.has('real')) {
      const label = `(4) real: ${path.basename(path.resolve(options.repo, options.repo.endsWith('.git') ? '..' : '.'))}`;
      await compareWays(ctx, label, 'real', await pushRepo(ctx, 'real', options.repo));
    }
    console.log(`\n${ctx.report.render()}`);
  },
  async () => {
    ensureUnzip();
    await ensureAwsCli();
  },
);
