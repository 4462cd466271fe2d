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
import type { RouterRoute } from 'hono/types';
import { answeringRoute, openApiPath } from '../http/route-pattern.js';
import { UNMATCHED_ROUTE_LABEL } from './families.js';
import type { Metrics, RouteSeries } from './registry.js';

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

export function httpMetrics(metrics: Metrics): MiddlewareHandler {
  const byRoute = new WeakMap<RouterRoute, RouteSeries>();
  const unmatched = new Map<string, RouteSeries>();

  const seriesOf = (route: RouterRoute | undefined, method: string): RouteSeries => {
    if (route !== undefined) {
      let series = byRoute.get(route);
      if (series === undefined) {
        series = metrics.routeSeries(route.method, openApiPath(route.path));
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
    // Labelled by the route that answers (as the access check finds it), in the route-role table's spelling.
    seriesOf(answeringRoute(c), c.req.method).record(c.res.status, (performance.now() - started) / 1000);
  };
}
