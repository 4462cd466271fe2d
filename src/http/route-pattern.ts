/**
 * The route a request matched, as the access check, the HTTP metrics and the request log name it, and the two
 * spellings of a route's path: hono's (`/v1/actions/:actionId`) and the OpenAPI one of the route-role table and the
 * metrics labels (`/v1/actions/{actionId}`).
 */
import type { Context } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { RouterRoute } from 'hono/types';

/** `/v1/actions/:actionId` → `/v1/actions/{actionId}`. */
export function openApiPath(honoPath: string): string {
  return honoPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

/** `/v1/actions/{actionId}` → `/v1/actions/:actionId` (the inverse of `openApiPath`). */
export function honoPath(openApiPath: string): string {
  return openApiPath.replace(/\{([^}]+)\}/g, ':$1');
}

/**
 * The route that answers: the first matched handler that is not middleware (`ALL`), or undefined when no route
 * matched. Handlers run in registration order and a route handler answers, so when two paths match
 * (`/docs/assets/kairos-init.js` and `/docs/assets/:file`) the first registered is the one that responds.
 */
export function answeringRoute(c: Context): RouterRoute | undefined {
  for (const route of matchedRoutes(c)) if (route.method !== 'ALL') return route;
  return undefined;
}

/**
 * The last matched handler that is not middleware, or undefined. It is `answeringRoute` except where two route paths
 * match one request — today only GET /docs/assets/kairos-init.js, which `/docs/assets/:file` matches too: this
 * names the latter. The request log has always named that one (it logs the pattern, never the raw path).
 */
export function lastMatchedRoute(c: Context): RouterRoute | undefined {
  const routes = matchedRoutes(c);
  for (let i = routes.length - 1; i >= 0; i -= 1) if (routes[i]!.method !== 'ALL') return routes[i];
  return undefined;
}
