import type { RequestLogEntry } from './types.js';

/**
 * Every request the emulator answered, so tests can assert request budgets:
 * `requests.count('GET /repos/{owner}/{repo}/compare/{basehead}')` or `requests.cost()`.
 * A string matches a route template (`METHOD /template`) exactly or a request path prefix.
 */
export class RequestLog {
  readonly entries: RequestLogEntry[] = [];

  record(entry: RequestLogEntry): void {
    this.entries.push(entry);
  }

  filter(pattern?: string | RegExp): RequestLogEntry[] {
    if (pattern === undefined) return [...this.entries];
    return this.entries.filter((e) =>
      typeof pattern === 'string' ? e.route === pattern || e.path === pattern || e.path.startsWith(`${pattern.replace(/\/$/, '')}/`) : pattern.test(e.route) || pattern.test(e.path),
    );
  }

  count(pattern?: string | RegExp): number {
    return this.filter(pattern).length;
  }

  /** Rate-limit points consumed by the matching requests. */
  cost(pattern?: string | RegExp): number {
    return this.filter(pattern).reduce((n, e) => n + e.cost, 0);
  }

  /** Requests per route, e.g. `{ 'GET /repos/{owner}/{repo}': 2 }`. */
  byRoute(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const e of this.entries) out[e.route] = (out[e.route] ?? 0) + 1;
    return out;
  }

  clear(): void {
    this.entries.splice(0, this.entries.length);
  }
}
