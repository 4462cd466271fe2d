/**
 * Counts every request by method, route pattern and status, and observes its latency. The first middleware, so
 * it sees every answer, the in-flight limit's 503s and the access check's 401/403s included.
 *
 * The route label is the pattern the router matched (`/v1/decisions/{decisionId}`), never the raw path, so the
 * label set is bounded by the routes; a path no route matches is `unmatched`. The series of a route is looked up
 * once and kept per router entry (a WeakMap on hono's route object), so a request costs a Map get and the two
 * prom-client updates.
 */
import type { MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { RouterRoute } from 'hono/types';
import { UNMATCHED_ROUTE_LABEL } from './families.js';
import type { Metrics, RouteSeries } from './registry.js';

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** `/v1/actions/:actionId` → `/v1/actions/{actionId}` (the OpenAPI spelling of the route-role table). */
export function routeLabel(honoPath: string): string {
  return honoPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

export function httpMetrics(metrics: Metrics): MiddlewareHandler {
  const byRoute = new WeakMap<RouterRoute, RouteSeries>();
  const unmatched = new Map<string, RouteSeries>();

  const seriesOf = (route: RouterRoute | undefined, method: string): RouteSeries => {
    if (route !== undefined) {
      let series = byRoute.get(route);
      if (series === undefined) {
        series = metrics.routeSeries(route.method, routeLabel(route.path));
        byRoute.set(route, series);
      }
      return series;
    }
    // A client may send any method token: outside the usual ones it is counted as 'other'.
    const label = KNOWN_METHODS.has(method) ? method : 'other';
    let series = unmatched.get(label);
    if (series === undefined) {
      series = metrics.routeSeries(label, UNMATCHED_ROUTE_LABEL);
      unmatched.set(label, series);
    }
    return series;
  };

  return async (c, next) => {
    const started = performance.now();
    await next();
    // The route that answers is the first matched handler that is not middleware (as in access/authenticate.ts).
    let route: RouterRoute | undefined;
    for (const matched of matchedRoutes(c)) {
      if (matched.method !== 'ALL') {
        route = matched;
        break;
      }
    }
    seriesOf(route, c.req.method).record(c.res.status, (performance.now() - started) / 1000);
  };
}
