import type { Context } from './context.js';

export interface Page<T> {
  items: T[];
  headers: Record<string, string>;
}

/**
 * Slices a list by `page`/`per_page` (default 30, at most 100) and builds the `Link` header with
 * GitHub's relation order (prev, next, last, first).
 * https://docs.github.com/rest/using-the-rest-api/using-pagination-in-the-rest-api
 */
export function paginate<T>(ctx: Context, all: T[], options: { defaultPerPage?: number; maxPerPage?: number } = {}): Page<T> {
  const { defaultPerPage = 30, maxPerPage = 100 } = options;
  const { perPage, page } = pageParams(ctx, defaultPerPage, maxPerPage);
  const items = all.slice((page - 1) * perPage, page * perPage);
  const last = Math.max(1, Math.ceil(all.length / perPage));
  return { items, headers: linkHeader(ctx, page, last, perPage) };
}

export function pageParams(ctx: Context, defaultPerPage = 30, maxPerPage = 100): { perPage: number; page: number } {
  const perPageRaw = Number(ctx.query.get('per_page') ?? defaultPerPage);
  const pageRaw = Number(ctx.query.get('page') ?? 1);
  const perPage = Math.min(maxPerPage, Math.max(1, Number.isFinite(perPageRaw) ? Math.floor(perPageRaw) : defaultPerPage));
  const page = Math.max(1, Number.isFinite(pageRaw) ? Math.floor(pageRaw) : 1);
  return { perPage, page };
}

export function linkHeader(ctx: Context, page: number, last: number, perPage: number): Record<string, string> {
  if (last <= 1) return {};
  const link = (p: number, rel: string) => {
    const query = new URLSearchParams(ctx.query);
    query.set('per_page', String(perPage));
    query.set('page', String(p));
    return `<${ctx.core.urls.api}${ctx.path}?${query.toString()}>; rel="${rel}"`;
  };
  const parts: string[] = [];
  if (page > 1) parts.push(link(page - 1, 'prev'));
  if (page < last) parts.push(link(page + 1, 'next'), link(last, 'last'));
  if (page > 1) parts.push(link(1, 'first'));
  return parts.length > 0 ? { link: parts.join(', ') } : {};
}
