import { Transform, type Readable, type TransformCallback } from 'node:stream';
import unzipper from 'unzipper';
import { DEFAULT_ARCHIVE_LIMITS, UnsafeArchiveError, type ArchiveLimits } from './archive-limits.js';

export interface ZipFileEntry {
  /** Path inside the repository: the archive's root folder stripped, checked for traversal. */
  path: string;
  /** The inflated bytes, counted against the archive's limits as they are read. */
  body: Readable;
  /** Reads and discards the rest of the body (it must be consumed before the next entry). */
  drain(): Promise<void>;
}

/**
 * The file entries of a GitHub zipball, one at a time, straight from the network stream: nothing
 * is buffered beyond the entry being read. Every archive from GitHub is hostile until checked:
 * names must stay inside the single root folder (`<owner>-<repo>-<sha7>/`, stripped without
 * parsing it), and inflated sizes are capped against zip bombs.
 */
export async function* readZipEntries(archive: Readable, limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS): AsyncGenerator<ZipFileEntry> {
  const parser = archive.pipe(unzipper.Parse({ forceStream: true }));
  archive.once('error', (error) => parser.destroy(error));
  let root: string | undefined;
  let totalInflated = 0;

  try {
    for await (const raw of parser as AsyncIterable<unzipper.Entry>) {
      const name = raw.path;
      if (root === undefined) root = rootFolderOf(name);
      const path = repositoryPath(name, root);
      if (raw.type === 'Directory' || path === '') {
        await raw.autodrain().promise();
        continue;
      }
      const compressed = Math.max(raw.vars.compressedSize, 1);
      let inflated = 0;
      const counter = new Transform({
        transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
          inflated += chunk.length;
          totalInflated += chunk.length;
          if (totalInflated > limits.maxTotalBytes) {
            return callback(new UnsafeArchiveError(`the archive inflates past the ${limits.maxTotalBytes}-byte limit`));
          }
          // A data descriptor entry declares size 0 up front; its ratio is judged on what it inflates.
          if (inflated > limits.ratioCheckAfterBytes && raw.vars.compressedSize > 0 && inflated / compressed > limits.maxCompressionRatio) {
            return callback(new UnsafeArchiveError(`${path} inflates more than ${limits.maxCompressionRatio}x its compressed size`));
          }
          callback(null, chunk);
        },
      });
      raw.once('error', (error) => counter.destroy(error));
      const body = raw.pipe(counter);
      yield {
        path,
        body,
        drain: () =>
          new Promise<void>((resolve, reject) => {
            if (body.readableEnded) return resolve();
            body.once('end', resolve).once('error', reject).resume();
          }),
      };
      // The consumer must have read or drained the entry; make sure before moving on.
      if (!body.readableEnded && !body.destroyed) {
        await new Promise<void>((resolve, reject) => body.once('end', resolve).once('error', reject).resume());
      }
      if (body.errored) throw body.errored;
    }
  } finally {
    parser.destroy();
    archive.destroy();
  }
}

function rootFolderOf(name: string): string {
  const slash = name.indexOf('/');
  if (slash <= 0) throw new UnsafeArchiveError(`the archive's first entry "${name}" is not inside a root folder`);
  return name.slice(0, slash + 1);
}

/** Strips the root folder; refuses names that could land outside it once written anywhere. */
export function repositoryPath(name: string, root: string): string {
  if (!name.startsWith(root)) throw new UnsafeArchiveError(`archive entry "${name}" is outside the root folder "${root}"`);
  const path = name.slice(root.length).replace(/\/$/, '');
  if (path === '') return '';
  if (path.includes('\\') || path.includes('\0')) throw new UnsafeArchiveError(`archive entry "${name}" has a backslash or NUL in its name`);
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) throw new UnsafeArchiveError(`archive entry "${name}" is an absolute path`);
  if (path.split('/').some((segment) => segment === '..' || segment === '.' || segment === '')) {
    throw new UnsafeArchiveError(`archive entry "${name}" has a ".." or empty path segment`);
  }
  return path;
}
