const byExtension: Record<string, string> = {
  '.md': 'text/markdown; charset=utf-8',
  '.mdx': 'text/markdown; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.xml': 'application/xml; charset=utf-8',
  '.yaml': 'text/yaml; charset=utf-8',
  '.yml': 'text/yaml; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
};

/**
 * A content type for a synced file. Stored files are text (binaries are skipped), so anything
 * not listed is plain text. Repository content is untrusted: the route also sends a sandboxing
 * Content-Security-Policy and nosniff, so HTML or SVG from a repository can never run as our origin.
 */
export function contentTypeFor(path: string, isText: boolean): string {
  if (!isText) return 'application/octet-stream';
  const dot = path.lastIndexOf('.');
  const extension = dot > path.lastIndexOf('/') ? path.slice(dot).toLowerCase() : '';
  return byExtension[extension] ?? 'text/plain; charset=utf-8';
}
