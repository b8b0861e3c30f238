import type { Identity } from '../auth/identity.js';
import type { Context } from '../http/context.js';
import { HttpError } from '../http/http-error.js';
import { directionParam } from '../http/list-params.js';
import { paginate } from '../http/paginate.js';
import type { Router } from '../http/router.js';
import { callerPermissions, minimalRepositoryShape, type RepoFacts } from '../shapes/repository.js';
import type { RepoHandle } from '../state/repo-store.js';

const DOCS = 'https://docs.github.com/rest/repos/repos';
type ListType = 'all' | 'public' | 'private' | 'forks' | 'sources' | 'member';
type ListSort = 'created' | 'updated' | 'pushed' | 'full_name';
const TYPES: ListType[] = ['all', 'public', 'private', 'forks', 'sources', 'member'];
const SORTS: ListSort[] = ['created', 'updated', 'pushed', 'full_name'];

/**
 * GET /orgs/{org}/repos: the account's repositories the caller can see (private ones only with a
 * token that may read them), filtered by `type`, sorted by `sort` — `created` by default, newest
 * first; `full_name` ascending — and paginated with a `Link` header.
 * https://docs.github.com/rest/repos/repos#list-organization-repositories
 */
export function orgRepositoryRoutes(router: Router): void {
  router.add('GET', '/orgs/{org}/repos', `${DOCS}#list-organization-repositories`, async (ctx: Context) => {
    const org = (ctx.params.org ?? '').toLowerCase();
    const owned = (await ctx.core.store.list()).filter((h) => h.owner.toLowerCase() === org);
    // The emulator knows an account only by its repositories; an account without any is unknown.
    if (owned.length === 0) throw new HttpError(404, 'Not Found', { documentation_url: ctx.docs });
    const type = pick(ctx.query.get('type'), TYPES, 'all');
    const sort = pick(ctx.query.get('sort'), SORTS, 'created');
    const direction = directionParam(ctx, sort === 'full_name' ? 'asc' : 'desc');
    const listed = owned.filter((h) => ctx.core.canRead(ctx.identity, h) && ofType(ctx, h, type));
    const facts = new Map<RepoHandle, RepoFacts>();
    const factsOf = async (h: RepoHandle) => facts.get(h) ?? facts.set(h, await ctx.core.facts(h)).get(h)!;
    // Only the push-time orders need every repository's facts; the others read them for one page.
    if (sort === 'updated' || sort === 'pushed') await Promise.all(listed.map(factsOf));
    const key = (h: RepoHandle) => (sort === 'created' ? Date.parse(h.info.createdAt) : Date.parse(facts.get(h)?.pushedAt ?? h.info.createdAt));
    const sign = direction === 'asc' ? 1 : -1;
    listed.sort((a, b) => sign * (sort === 'full_name' ? a.name.toLowerCase().localeCompare(b.name.toLowerCase()) : key(a) - key(b) || a.info.id - b.info.id));
    const { items, headers } = paginate(ctx, listed);
    const permissions = callerPermissions(ctx.identity);
    const json = await Promise.all(items.map(async (h) => minimalRepositoryShape(ctx.core.urls, h, await factsOf(h), permissions)));
    return { status: 200, headers, json };
  });
}

function pick<T extends string>(raw: string | null, allowed: T[], fallback: T): T {
  return allowed.find((value) => value === raw) ?? fallback;
}

function ofType(ctx: Context, handle: RepoHandle, type: ListType): boolean {
  if (type === 'public') return !handle.info.private;
  if (type === 'private') return handle.info.private;
  if (type === 'forks') return handle.info.fork;
  if (type === 'sources') return !handle.info.fork;
  if (type === 'member') return isMember(ctx.identity, handle);
  return true;
}

/** Repositories the caller was given access to, not merely able to read because they are public. */
function isMember(identity: Identity, handle: RepoHandle): boolean {
  if (identity.kind === 'pat') return identity.admin || handle.info.grants.includes(identity.token);
  return identity.kind === 'installation';
}
