import { gitBlobSha } from '../storage/git-blob-hash.js';
import { classifyPath, isLfsPointer, looksBinary, type ResolvedFilter } from '../sync/file-filter.js';
import type { OutboundFileMode } from '../shared/outbound-sync.js';

/** What a caller sends for one path. */
export interface RequestedChange {
  path: string;
  content?: string;
  encoding?: 'utf8' | 'base64';
  mode?: OutboundFileMode;
  delete?: boolean;
}

/** A validated change: new content with its git blob SHA and snapshot flags, or a deletion. */
export type ValidChange =
  | {
      path: string;
      delete: false;
      content: Buffer;
      sha: string;
      /** Null keeps the mode the path has (a new path becomes a regular file). */
      mode: OutboundFileMode | null;
      isText: boolean;
      editable: boolean;
      lfsPointer: boolean;
      skipReason: string | null;
      warning: string | null;
    }
  | { path: string; delete: true };

/** Bad input, with the field it is about (`changes[2].path`). */
export class ChangeValidationError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'ChangeValidationError';
  }
}

/** Git itself has no limit, but GitHub's UI and most file systems stop at 4096 bytes. */
export const MAX_PATH_BYTES = 4096;
/** GitHub refuses files over 100 MiB: https://docs.github.com/repositories/working-with-files/managing-large-files/about-large-files-on-github */
export const GITHUB_MAX_FILE_BYTES = 100 * 1024 * 1024;

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Why a repository path is unsafe or malformed, or null when it is fine. */
export function pathProblem(path: string): string | null {
  if (path === '') return 'must not be empty';
  if (Buffer.byteLength(path, 'utf8') > MAX_PATH_BYTES) return `is longer than ${MAX_PATH_BYTES} bytes`;
  if (path.startsWith('/')) return 'must be relative to the repository root, not absolute';
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (/[\u0000-\u001f\u007f]/.test(path)) return 'must not contain control characters';
  if (path.includes('\\')) return 'must use / as the separator';
  const parts = path.split('/');
  if (parts.some((part) => part === '..')) return 'must not contain ..';
  if (parts.some((part) => part === '' || part === '.')) return 'must not contain empty or . segments (or end with /)';
  // Git refuses `.git` in any case as a path component (core.protectNTFS / protectHFS do the same).
  if (parts.some((part) => part.toLowerCase() === '.git')) return 'must not be inside .git/';
  return null;
}

/**
 * Checks a change list the way the API promises (400 naming the field, nothing changed):
 * non-empty, safe unique paths, valid base64, and sizes under the project's limit (GitHub's
 * 100 MiB at most); files over the warning limit pass with a warning.
 */
export function validateChanges(changes: RequestedChange[], filter: ResolvedFilter): ValidChange[] {
  if (changes.length === 0) throw new ChangeValidationError('changes', 'at least one change is required');
  const maxBytes = Math.min(filter.maxFileBytes, GITHUB_MAX_FILE_BYTES);
  const seen = new Map<string, number>();
  const valid: ValidChange[] = [];
  changes.forEach((change, index) => {
    const field = `changes[${index}]`;
    const problem = pathProblem(change.path);
    if (problem) throw new ChangeValidationError(`${field}.path`, problem);
    const earlier = seen.get(change.path);
    if (earlier !== undefined) throw new ChangeValidationError(`${field}.path`, `${change.path} is already changed by changes[${earlier}]`);
    seen.set(change.path, index);
    if (change.delete === true) {
      if (change.content !== undefined || change.mode !== undefined) throw new ChangeValidationError(field, 'a deletion takes no content or mode');
      valid.push({ path: change.path, delete: true });
      return;
    }
    if (change.content === undefined) throw new ChangeValidationError(`${field}.content`, 'is required unless delete is true');
    const encoding = change.encoding ?? 'utf8';
    if (encoding === 'base64' && (change.content.length % 4 === 1 || !BASE64.test(change.content.replace(/\s+/g, '')))) {
      throw new ChangeValidationError(`${field}.content`, 'is not valid base64');
    }
    const content = Buffer.from(change.content, encoding === 'base64' ? 'base64' : 'utf8');
    if (content.length > maxBytes) throw new ChangeValidationError(`${field}.content`, `${content.length} bytes is over the ${maxBytes}-byte limit`);
    valid.push({ path: change.path, delete: false, content, sha: gitBlobSha(content), mode: change.mode ?? null, ...describeContent(change.path, content, change.mode, filter) });
  });
  assertNoFileDirectoryClash(valid);
  return valid;
}

/** `a` and `a/b` cannot both be files of one tree. */
function assertNoFileDirectoryClash(changes: ValidChange[]): void {
  const files = new Map(changes.filter((change) => !change.delete).map((change, index) => [change.path, index]));
  changes.forEach((change, index) => {
    if (change.delete) return;
    const parts = change.path.split('/');
    for (let depth = 1; depth < parts.length; depth += 1) {
      const directory = parts.slice(0, depth).join('/');
      if (files.has(directory)) throw new ChangeValidationError(`changes[${index}].path`, `${change.path} would need ${directory}, which another change makes a file, to be a directory`);
    }
  });
}

/**
 * The snapshot flags an import of the same commit would give the file (src/sync/import-commit.ts):
 * what the path and size decide first, then what the bytes say.
 */
function describeContent(path: string, content: Buffer, mode: OutboundFileMode | undefined, filter: ResolvedFilter) {
  const verdict = classifyPath(path, content.length, filter);
  if (verdict.skipReason) return { isText: false, editable: false, lfsPointer: false, skipReason: verdict.skipReason, warning: verdict.warning };
  const lfsPointer = isLfsPointer(content, content.length);
  const binary = mode !== '120000' && !lfsPointer && looksBinary(content);
  return { isText: !binary, editable: verdict.editable && !binary, lfsPointer, skipReason: binary ? 'binary-content' : null, warning: verdict.warning };
}
