import type { FileFilter } from '../db/schema/projects.js';

/** Defaults: dependency and build output folders, and binary extensions, are not stored; a project's filter replaces any list it sets. */
export const DEFAULT_SKIP_DIRECTORIES = ['node_modules', '.git', 'vendor', 'dist', 'build', '__pycache__'];
export const DEFAULT_BINARY_EXTENSIONS = [
  '.png', '.jpg', '.jpeg', '.gif', '.bmp', '.ico', '.webp', '.tiff', '.psd', '.avif', '.heic',
  '.mp3', '.mp4', '.wav', '.ogg', '.flac', '.avi', '.mov', '.mkv', '.webm',
  '.zip', '.tar', '.gz', '.tgz', '.bz2', '.xz', '.7z', '.rar', '.zst',
  '.pdf', '.doc', '.docx', '.xls', '.xlsx', '.ppt', '.pptx',
  '.exe', '.dll', '.so', '.dylib', '.a', '.o', '.class', '.jar', '.war', '.pyc', '.wasm', '.bin',
  '.woff', '.woff2', '.ttf', '.otf', '.eot', '.sqlite', '.db',
];
export const DEFAULT_EDITABLE_EXTENSIONS = ['.md', '.mdx'];
export const DEFAULT_MAX_FILE_BYTES = 100 * 1024 * 1024;
export const DEFAULT_WARN_FILE_BYTES = 50 * 1024 * 1024;

export type SkipReason = 'skipped-directory' | 'binary-extension' | 'binary-content' | 'too-large';

export interface ResolvedFilter {
  skipDirectories: Set<string>;
  binaryExtensions: Set<string>;
  editableExtensions: Set<string>;
  maxFileBytes: number;
  warnFileBytes: number;
}

const dotted = (extension: string) => (extension.startsWith('.') ? extension : `.${extension}`).toLowerCase();

export function resolveFilter(filter: FileFilter = {}): ResolvedFilter {
  return {
    skipDirectories: new Set(filter.skipDirectories ?? DEFAULT_SKIP_DIRECTORIES),
    binaryExtensions: new Set((filter.binaryExtensions ?? DEFAULT_BINARY_EXTENSIONS).map(dotted)),
    editableExtensions: new Set((filter.editableExtensions ?? DEFAULT_EDITABLE_EXTENSIONS).map(dotted)),
    maxFileBytes: filter.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES,
    warnFileBytes: filter.warnFileBytes ?? DEFAULT_WARN_FILE_BYTES,
  };
}

/**
 * The filter as a canonical string: equal for filters that classify every path the same way
 * (`{}` and the defaults spelled out, lists in any order), so a snapshot built under one filter
 * can tell whether its skip decisions still hold under the project's current one.
 */
export function filterKey(filter: FileFilter = {}): string {
  const resolved = resolveFilter(filter);
  return JSON.stringify({
    skipDirectories: [...resolved.skipDirectories].sort(),
    binaryExtensions: [...resolved.binaryExtensions].sort(),
    editableExtensions: [...resolved.editableExtensions].sort(),
    maxFileBytes: resolved.maxFileBytes,
    warnFileBytes: resolved.warnFileBytes,
  });
}

function extensionOf(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot).toLowerCase() : '';
}

export interface PathVerdict {
  /** Set when the content is not stored; the file still appears in the manifest. */
  skipReason: SkipReason | null;
  editable: boolean;
  warning: string | null;
}

/** What the path and size alone decide, before any byte is read. */
export function classifyPath(path: string, size: number, filter: ResolvedFilter): PathVerdict {
  const directories = path.split('/').slice(0, -1);
  const editable = filter.editableExtensions.has(extensionOf(path));
  if (directories.some((directory) => filter.skipDirectories.has(directory))) return { skipReason: 'skipped-directory', editable: false, warning: null };
  if (size > filter.maxFileBytes) return { skipReason: 'too-large', editable: false, warning: `${size} bytes is over the ${filter.maxFileBytes}-byte limit` };
  if (filter.binaryExtensions.has(extensionOf(path))) return { skipReason: 'binary-extension', editable: false, warning: null };
  const warning = size > filter.warnFileBytes ? `large file: ${size} bytes (warning limit ${filter.warnFileBytes})` : null;
  return { skipReason: null, editable, warning };
}

/** Bytes sniffed for binary content, as git itself does (a NUL in the first 8000 bytes). */
export const SNIFF_BYTES = 8 * 1024;

export function looksBinary(head: Buffer): boolean {
  return head.subarray(0, SNIFF_BYTES).includes(0);
}

// https://github.com/git-lfs/git-lfs/blob/main/docs/spec.md: pointers are small and start with this line.
const LFS_POINTER_PREFIX = Buffer.from('version https://git-lfs.github.com/spec/v1\n');

export function isLfsPointer(head: Buffer, size: number): boolean {
  return size < 1024 && head.subarray(0, LFS_POINTER_PREFIX.length).equals(LFS_POINTER_PREFIX);
}
