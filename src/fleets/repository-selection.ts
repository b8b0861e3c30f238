/** A repository as an installation or organisation listing reports it (hostile until checked). */
export interface ListedRepository {
  owner: string;
  repo: string;
  fork: boolean;
  archived: boolean;
}

export interface RepositorySelection {
  include: string[];
  exclude: string[];
  forks: boolean;
  archived: boolean;
}

/** GitHub owner and repository names: letters, digits, `-`, `_`, `.` (and not `.`/`..`). */
const NAME = /^[A-Za-z0-9_.-]{1,100}$/;

/**
 * A listing's item as a repository, or null when it is not one we can link: no owner login or
 * name, or names outside GitHub's character set (which would also be unsafe in paths and URLs).
 */
export function listedRepository(item: unknown): ListedRepository | null {
  if (item === null || typeof item !== 'object') return null;
  const { name, owner, fork, archived } = item as { name?: unknown; owner?: { login?: unknown } | null; fork?: unknown; archived?: unknown };
  const login = owner?.login;
  if (typeof name !== 'string' || typeof login !== 'string' || !NAME.test(name) || !NAME.test(login) || name === '.' || name === '..') return null;
  return { owner: login, repo: name, fork: fork === true, archived: archived === true };
}

/** A name pattern where `*` is any run of characters and `?` one character, matched whole and case-insensitively. */
export function namePattern(pattern: string): RegExp {
  const source = [...pattern].map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[\\^$.|+()[\]{}]/g, '\\$&'))).join('');
  return new RegExp(`^${source}$`, 'i');
}

/** Checks the patterns a fleet is given: names and wildcards only, so a typo fails loudly at linking time. */
export function invalidPattern(patterns: string[]): string | undefined {
  return patterns.find((p) => !/^[A-Za-z0-9_.*?-]{1,100}$/.test(p));
}

/**
 * Whether a fleet links a repository: a fork or an archived repository only when the fleet says
 * so, a name matching one `include` pattern (any name when there are none) and no `exclude` pattern.
 */
export function selects(selection: RepositorySelection): (repository: ListedRepository) => boolean {
  const include = selection.include.map(namePattern);
  const exclude = selection.exclude.map(namePattern);
  return (repository) =>
    (selection.forks || !repository.fork) &&
    (selection.archived || !repository.archived) &&
    (include.length === 0 || include.some((p) => p.test(repository.repo))) &&
    !exclude.some((p) => p.test(repository.repo));
}
