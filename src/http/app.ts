/**
 * `createApp(deps)`: the whole HTTP surface as an OpenAPIHono app, with no side effects (no server, no timers, no
 * I/O until a request arrives), so tests drive it with `app.request()`.
 *
 * Middleware order: request id → request log → access (API key and role: src/http/access) → body limit (on /v1)
 * → the route's media-type gate and zod validation → the handler. Errors of every layer leave through `createErrorHandler` as problem+json.
 * A JSON route given another content type answers 415 (the zod-openapi media-type gate), not 400.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { requestId } from 'hono/request-id';
import type { Logger } from 'pino';
import type { Services } from '../domain/types.js';
import { authenticate } from './access/authenticate.js';
import { registerActions } from './actions.js';
import { registerDecisions } from './decisions.js';
import { registerDocs } from './docs.js';
import type { AppEnv, KairosApp, RouteDeps } from './env.js';
import { registerFeedback } from './feedback.js';
import { registerHealth } from './health.js';
import { registerKeys } from './keys.js';
import { createErrorHandler, problem, validationHook } from './problem.js';
import { registerSchema } from './schema.js';
import { registerStats } from './stats.js';

export interface AppDeps {
  services: Services;
  /** Root logger; the app never creates its own. */
  logger: Logger;
  /** Largest accepted request body in bytes; larger bodies answer 413. */
  bodyLimitBytes: number;
  /** Service version (package.json), reported by /healthz and /openapi.json. */
  version: string;
}

/**
 * One debug line per request (method, path, status, ms), skipped when a route wrote its own canonical line.
 * Skipped entirely unless debug is enabled, so the hot path pays one level check.
 */
function requestLog(logger: Logger): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    c.set('startedAt', performance.now());
    await next();
    if (c.get('logged') || !logger.isLevelEnabled('debug')) return;
    logger.debug(
      {
        requestId: c.get('requestId'),
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        keyId: c.get('apiKey')?.id,
        role: c.get('apiKey')?.role,
        ms: Math.round((performance.now() - c.get('startedAt')) * 1000) / 1000,
      },
      'request',
    );
  };
}

/**
 * 413 for a body over the limit. A declared Content-Length is checked directly: hono's `bodyLimit` reads the body
 * as a stream, which makes @hono/node-server build a full WHATWG Request for every call (measured: most of the
 * HTTP overhead of a decision). Chunked bodies (no Content-Length) still go through the streaming check.
 */
function requestBodyLimit(maxBytes: number): MiddlewareHandler<AppEnv> {
  const tooLarge = (c: Parameters<MiddlewareHandler<AppEnv>>[0]) =>
    problem(c, 'payload_too_large', `the request body is over the limit of ${maxBytes} bytes`);
  const streaming = bodyLimit({ maxSize: maxBytes, onError: tooLarge });
  return async (c, next) => {
    const method = c.req.method;
    if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS' || method === 'DELETE') return next();
    const declared = c.req.header('content-length');
    if (declared !== undefined && c.req.header('transfer-encoding') === undefined) {
      const length = Number(declared);
      if (Number.isFinite(length) && length > maxBytes) return tooLarge(c);
      return next();
    }
    return streaming(c, next);
  };
}

/** The HTTP app over `deps.services`; creating it starts nothing and touches no file or socket. */
export function createApp(deps: AppDeps): KairosApp {
  const app: KairosApp = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  const routeDeps: RouteDeps = { services: deps.services, logger: deps.logger, version: deps.version };

  // Incoming ids are kept when they are 1–128 characters of [A-Za-z0-9_-=] (hono's check), else replaced.
  app.use('*', requestId({ limitLength: 128 }));
  app.use('*', requestLog(deps.logger));
  app.use('*', authenticate(deps.services.access));
  app.use('/v1/*', requestBodyLimit(deps.bodyLimitBytes));
  app.onError(createErrorHandler(deps.logger));
  app.notFound((c) => problem(c, 'not_found', `no route for ${c.req.method} ${c.req.path}`));

  registerSchema(app, routeDeps);
  registerActions(app, routeDeps);
  registerDecisions(app, routeDeps);
  registerFeedback(app, routeDeps);
  registerStats(app, routeDeps);
  registerKeys(app, routeDeps);
  registerHealth(app, routeDeps);
  registerDocs(app, routeDeps);
  return app;
}
