import { runGit } from './run-git.js';

export interface GitPerson {
  name: string;
  email: string;
  date: string;
}

export interface CommitData {
  sha: string;
  tree: string;
  parents: string[];
  author: GitPerson;
  committer: GitPerson;
  message: string;
}

// NUL between fields, RS (0x1e) between records: neither can appear in git metadata.
const FORMAT = '%H%x00%T%x00%P%x00%an%x00%ae%x00%aI%x00%cn%x00%ce%x00%cI%x00%B%x1e';

/** Reads commit metadata with `git log`; `revArgs` are rev-list arguments such as `a..b` or `--no-walk sha`. */
export async function readCommits(gitDir: string, revArgs: string[], paths: string[] = []): Promise<CommitData[]> {
  const { stdout } = await runGit(gitDir, ['log', `--format=${FORMAT}`, ...revArgs, '--', ...paths]);
  return stdout
    .toString('utf8')
    .split('\x1e')
    .map((record) => record.replace(/^\n/, ''))
    .filter((record) => record.length > 0)
    .map(parseRecord);
}

/** One commit's metadata, or null when `sha` is not a commit. */
export async function readCommit(gitDir: string, sha: string): Promise<CommitData | null> {
  const { stdout, code } = await runGit(gitDir, ['log', '-1', '--no-walk', `--format=${FORMAT}`, '--end-of-options', sha, '--'], {
    okCodes: [128],
  });
  if (code !== 0) return null;
  const record = stdout.toString('utf8').split('\x1e')[0];
  return record ? parseRecord(record) : null;
}

function parseRecord(record: string): CommitData {
  const [sha = '', tree = '', parents = '', an = '', ae = '', ad = '', cn = '', ce = '', cd = '', ...message] = record.split('\x00');
  return {
    sha,
    tree,
    parents: parents === '' ? [] : parents.split(' '),
    author: { name: an, email: ae, date: toUtc(ad) },
    committer: { name: cn, email: ce, date: toUtc(cd) },
    message: message.join('\x00').replace(/\n$/, ''),
  };
}

/** GitHub reports git dates in UTC with a `Z` suffix. */
function toUtc(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
