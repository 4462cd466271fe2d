/**
 * One info line per request (RFC-style access log, the "wide event"): request id, method, route pattern, status and
 * ms. The pattern (`/v1/actions/:actionId`), never the raw path, so ids in URLs stay out of the logs; a path that
 * matched no route logs `route: null`. A route adds its own fields and message through `logFields` / `logMessage`
 * (POST /v1/decisions makes this line its canonical `decision` line). Requests refused by the in-flight limit are
 * not logged here (see inflight-limit.ts). A 5xx also has its error logged once by the error handler.
 */
import type { MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import type { AppEnv } from '../env.js';
import { lastMatchedRoute } from '../route-pattern.js';

export function requestLog(logger: Logger): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const startedAt = performance.now();
    c.set('startedAt', startedAt);
    await next();
    if (c.get('shed') || !logger.isLevelEnabled('info')) return;
    logger.info(
      {
        requestId: c.get('requestId'),
        method: c.req.method,
        route: lastMatchedRoute(c)?.path ?? null,
        status: c.res.status,
        ms: Math.round((performance.now() - startedAt) * 1000) / 1000,
        keyId: c.get('apiKey')?.id,
        role: c.get('apiKey')?.role,
        ...c.get('logFields'),
      },
      c.get('logMessage') ?? 'request',
    );
  };
}
