import type { Context } from './context.js';
import { HttpError, validationFailed } from './http-error.js';

/**
 * An ISO 8601 timestamp query parameter (`since`, `until`) as epoch milliseconds, null when
 * absent; a value that is not a timestamp is refused naming it: 422 for most lists, 400 where
 * GitHub documents it (the commit list).
 */
export function timeParam(ctx: Context, name: string, resource: string, status: 400 | 422 = 422): number | null {
  const raw = ctx.query.get(name);
  if (raw === null) return null;
  const ms = Date.parse(raw);
  if (!Number.isNaN(ms)) return ms;
  if (status === 400) throw new HttpError(400, `Invalid value for parameter '${name}': ${raw}`, { documentation_url: ctx.docs });
  throw validationFailed(resource, name, 'invalid', ctx.docs);
}

/** Sorts by `sort` (a timestamp field or the id order) and `direction`, GitHub's list parameters. */
export function sortBy<T extends { createdAt: string; updatedAt: string }>(items: T[], sort: string, direction: 'asc' | 'desc', order: (item: T) => number): T[] {
  const key = (item: T) => (sort === 'updated' ? Date.parse(item.updatedAt) : sort === 'created' ? Date.parse(item.createdAt) : 0);
  const sign = direction === 'asc' ? 1 : -1;
  return [...items].sort((a, b) => sign * (key(a) - key(b) || order(a) - order(b)));
}

/** `direction` as given, else GitHub's default for the list. */
export function directionParam(ctx: Context, fallback: 'asc' | 'desc'): 'asc' | 'desc' {
  const raw = ctx.query.get('direction');
  return raw === 'asc' || raw === 'desc' ? raw : fallback;
}
