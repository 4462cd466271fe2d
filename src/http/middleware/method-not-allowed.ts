/**
 * 405 with `Allow` for a known path asked with a method it does not have (RFC 9110 §15.5.6), instead of a 404.
 * The allowed methods come from the app's registered routes (`app.routes`), matched with Hono's own router so a
 * path matches here exactly when it would match a route; a route added later is covered with no list to keep.
 * OPTIONS on a known path answers 204 with the same `Allow`.
 */
import type { Context } from 'hono';
import { TrieRouter } from 'hono/router/trie-router';
import type { AppEnv, KairosApp } from '../env.js';
import { problem } from '../problem.js';

/** Methods in the order `Allow` lists them. */
const ORDER = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/** The methods registered for `path`, with HEAD wherever GET is (Hono answers HEAD with the GET route) and OPTIONS. */
export type AllowedMethods = (path: string) => string[];

export function allowedMethodsOf(app: KairosApp): AllowedMethods {
  let router: TrieRouter<string> | undefined;
  const build = (): TrieRouter<string> => {
    const built = new TrieRouter<string>();
    // Middleware is registered with method ALL; only routes with a method say what a path allows.
    for (const route of app.routes) if (route.method !== 'ALL') built.add('ALL', route.path, route.method.toUpperCase());
    return built;
  };
  return (path) => {
    // Built on first use: by then every route is registered, and routes never change at runtime.
    router ??= build();
    const [matches] = router.match('GET', path) as [[string, unknown][], ...unknown[]];
    const methods = new Set(matches.map(([method]) => method));
    if (methods.size === 0) return [];
    if (methods.has('GET')) methods.add('HEAD');
    methods.add('OPTIONS');
    return ORDER.filter((m) => methods.has(m));
  };
}

/** The app's not-found handler: 405 (or 204 for OPTIONS) on a known path, else 404 naming the path. */
export function notFoundOrNotAllowed(allowed: AllowedMethods) {
  return (c: Context<AppEnv>): Response => {
    const methods = allowed(c.req.path);
    if (methods.length === 0) {
      return problem(c, 'not_found', `no route for ${c.req.method} ${c.req.path.slice(0, 256)}`, [{ field: 'path', message: 'no such route' }]);
    }
    const allow = methods.join(', ');
    c.header('allow', allow);
    if (c.req.method === 'OPTIONS') return c.body(null, 204);
    return problem(c, 'method_not_allowed', `${c.req.method} is not allowed here; allowed: ${allow}`, [
      { field: 'method', message: `must be one of ${allow}` },
    ]);
  };
}
