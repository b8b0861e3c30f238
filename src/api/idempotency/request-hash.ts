import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every depth, so bodies that differ only in key order hash alike. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, item]) => item !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** What a key is bound to: the method, the path (without query) and the canonical body. */
export function requestHash(method: string, url: string, body: unknown): string {
  const path = url.split('?')[0]!;
  return createHash('sha256').update(`${method.toUpperCase()} ${path}\n`).update(canonicalJson(body ?? null)).digest('hex');
}
