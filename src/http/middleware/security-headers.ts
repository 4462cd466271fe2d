/**
 * Headers on every answer: `X-Content-Type-Options: nosniff` (a browser never guesses a type other than the one we
 * send, so a JSON body echoing input can never run as a script or style), and `Cache-Control: no-store` on the API
 * (/v1/*): decisions and statistics are per request and may concern a customer, so no cache along the way keeps
 * them. Set before the handler runs, so problem answers and 503s carry them too. /docs adds its own CSP (docs.ts).
 */
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../env.js';

export function securityHeaders(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    c.header('x-content-type-options', 'nosniff');
    if (c.req.path.startsWith('/v1/')) c.header('cache-control', 'no-store');
    await next();
  };
}
