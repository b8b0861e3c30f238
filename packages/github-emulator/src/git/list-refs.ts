import { runGit } from './run-git.js';

export interface RefEntry {
  ref: string;
  sha: string;
  type: string;
  /** For annotated tags, the commit they point at. */
  peeled: string | null;
}

/** Refs under the given prefixes (e.g. `refs/heads/`), sorted by name as GitHub lists them. */
export async function listRefs(gitDir: string, prefixes: string[]): Promise<RefEntry[]> {
  const { stdout } = await runGit(gitDir, ['for-each-ref', '--sort=refname', '--format=%(refname)%00%(objectname)%00%(objecttype)%00%(*objectname)', ...prefixes]);
  return stdout
    .toString('utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [ref = '', sha = '', type = '', peeled = ''] = line.split('\0');
      return { ref, sha, type, peeled: peeled || null };
    });
}

/** The object a single ref points at, or null when the ref does not exist. */
export async function readRef(gitDir: string, ref: string): Promise<RefEntry | null> {
  if (!ref.startsWith('refs/')) return null;
  const [entry] = (await listRefs(gitDir, [ref])).filter((e) => e.ref === ref);
  return entry ?? null;
}
