import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

export type Part = 'small' | 'large' | 'flat' | 'real';

export interface BenchOptions {
  /** Files of the many-small-files repository. */
  files: number;
  /** Size of each of the large files, and how many there are. */
  largeMiB: number;
  largeCount: number;
  /** The two repository sizes compared for flat memory, in MiB (~50 MiB units). */
  flatMiB: [number, number];
  /** A real repository (a git dir or work tree) whose HEAD is imported. */
  repo: string;
  parts: Set<Part>;
}

const USAGE = 'node --import tsx bench/initial-sync.ts [--files N] [--large-mb M] [--large-count K] [--flat-mb 50,1024] [--repo /path/to/git/repo] [--only small,large,flat,real]';

export function parseBenchArgs(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      files: { type: 'string', default: '20000' },
      'large-mb': { type: 'string', default: '64' },
      'large-count': { type: 'string', default: '4' },
      'flat-mb': { type: 'string', default: '50,1024' },
      repo: { type: 'string', default: fileURLToPath(new URL('../../.git', import.meta.url)) },
      only: { type: 'string', default: 'small,large,flat,real' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const positive = (name: string, raw: string) => {
    const value = Number(raw);
    if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} must be a positive integer, got "${raw}"\n${USAGE}`);
    return value;
  };
  const flat = values['flat-mb'].split(',').map((raw) => positive('flat-mb', raw));
  if (flat.length !== 2) throw new Error(`--flat-mb takes two sizes, e.g. 50,1024\n${USAGE}`);
  const parts = new Set(values.only.split(',') as Part[]);
  for (const part of parts) if (!['small', 'large', 'flat', 'real'].includes(part)) throw new Error(`--only: unknown part "${part}"\n${USAGE}`);
  return {
    files: positive('files', values.files),
    largeMiB: positive('large-mb', values['large-mb']),
    largeCount: positive('large-count', values['large-count']),
    flatMiB: [flat[0]!, flat[1]!],
    repo: values.repo,
    parts,
  };
}
