import type { Handler } from './context.js';

interface Route {
  method: string;
  /** GitHub's OpenAPI path template, e.g. `/repos/{owner}/{repo}/git/ref/{ref}`. */
  template: string;
  regex: RegExp;
  names: string[];
  handler: Handler;
  docs: string;
}

export interface RouteMatch {
  route: string;
  template: string;
  params: Record<string, string>;
  handler: Handler;
  docs: string;
}

// Parameters that may contain slashes (`heads/feature/x`, `main...topic/y`); GitHub accepts them raw or %2F-encoded.
const GREEDY = new Set(['ref', 'branch', 'basehead']);

/** A first-match router over GitHub's path templates; register specific routes before greedy ones. */
export class Router {
  private readonly routes: Route[] = [];

  add(method: string, template: string, docs: string, handler: Handler): this {
    const names: string[] = [];
    const pattern = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_m, name: string) => {
      names.push(name);
      return GREEDY.has(name) ? '(.+?)' : '([^/]+)';
    });
    this.routes.push({ method, template, regex: new RegExp(`^${pattern}/?$`), names, handler, docs });
    return this;
  }

  /** Every route as `METHOD /template`, in registration order. */
  list(): string[] {
    return this.routes.map((r) => `${r.method} ${r.template}`);
  }

  /** Every route with the GitHub documentation page it follows, in registration order. */
  entries(): Array<Pick<Route, 'method' | 'template' | 'docs'>> {
    return this.routes.map(({ method, template, docs }) => ({ method, template, docs }));
  }

  match(method: string, path: string): RouteMatch | { allowed: string[] } | null {
    const allowed: string[] = [];
    for (const route of this.routes) {
      const m = route.regex.exec(path);
      if (!m) continue;
      if (route.method !== method && !(method === 'HEAD' && route.method === 'GET')) {
        allowed.push(route.method);
        continue;
      }
      const params: Record<string, string> = {};
      route.names.forEach((name, i) => {
        params[name] = safeDecode(m[i + 1] ?? '');
      });
      return { route: `${route.method} ${route.template}`, template: route.template, params, handler: route.handler, docs: route.docs };
    }
    return allowed.length > 0 ? { allowed } : null;
  }
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
