/**
 * `createApp(deps)`: the whole HTTP surface as an OpenAPIHono app, with no side effects (no server, no timers, no
 * I/O until a request arrives), so tests drive it with `app.request()`.
 *
 * Middleware order: request metrics (src/metrics: every answer counted) → security headers → in-flight limit (503 before anything is parsed; /healthz and /readyz
 * exempt) → request id → request log (one info line per request) → access (API key and role: src/http/access) →
 * request timeout → content-encoding gate (415) → body limit (on /v1 and /personalizer; POST /v1/decisions/batch has
 * its own limit and timeout, for up to 10,000 customers, and PUT /personalizer/…/model, a model file, the batch
 * limit) → the route's media-type gate and zod validation → the handler. Errors of every layer leave through
 * `createErrorHandler` as problem+json (as Personalizer's `{error}` under /personalizer/:
 * src/http/personalizer/errors.ts); a known path with another method answers 405 with `Allow`.
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
import { registerCustomers } from './customers.js';
import { registerDashboard } from './dashboard.js';
import { registerDashboardData } from './dashboard-data.js';
import { registerChannels } from './channels.js';
import { registerContactPolicy } from './contact-policy.js';
import { registerDecisions } from './decisions.js';
import { registerDecisionsBatch } from './decisions-batch.js';
import { registerDecisionLifecycle } from './decisions-lifecycle.js';
import { registerDocs } from './docs.js';
import type { AppEnv, KairosApp, RouteDeps } from './env.js';
import { registerEvaluations } from './evaluations.js';
import { registerFeedback } from './feedback.js';
import { registerHealth } from './health.js';
import { registerKeys } from './keys.js';
import { registerLift } from './lift.js';
import { registerMetrics } from './metrics.js';
import { isModelPath } from './personalizer/errors.js';
import { registerPersonalizer } from './personalizer/register.js';
import { httpMetrics } from '../metrics/http-middleware.js';
import { createMetrics, type Metrics } from '../metrics/registry.js';
import { rejectContentEncoding } from './middleware/content-encoding.js';
import { createInflightLimit } from './middleware/inflight-limit.js';
import { allowedMethodsOf, notFoundOrNotAllowed } from './middleware/method-not-allowed.js';
import { requestLog } from './middleware/request-log.js';
import { requestTimeout } from './middleware/request-timeout.js';
import { securityHeaders } from './middleware/security-headers.js';
import { createErrorHandler, problem, validationHook } from './problem.js';
import { registerSchema } from './schema.js';
import { registerStats } from './stats.js';

/** Seconds a client told 503 by the in-flight limit or the request timeout is asked to wait. */
export const RETRY_AFTER_SECONDS = 1;
/** Never counted by the in-flight limit nor refused by it: an orchestrator's probes must answer under overload. */
export const PROBE_PATHS = ['/healthz', '/readyz'] as const;

export interface AppDeps {
  services: Services;
  /** Root logger; the app never creates its own. */
  logger: Logger;
  /** Largest accepted request body in bytes; larger bodies answer 413. */
  bodyLimitBytes: number;
  /** Service version (package.json), reported by /healthz and /openapi.json. */
  version: string;
  /** Past this many requests in flight, new ones answer 503 + Retry-After; absent or 0: no limit. */
  maxInflight?: number;
  /** A request unanswered after this many ms answers 503 + Retry-After; absent: no timeout. */
  requestTimeoutMs?: number;
  /** The body limit of POST /v1/decisions/batch (in place of `bodyLimitBytes`); absent: `bodyLimitBytes`. */
  batchBodyLimitBytes?: number;
  /** The request timeout of POST /v1/decisions/batch (in place of `requestTimeoutMs`); absent: `requestTimeoutMs`. */
  batchTimeoutMs?: number;
  /** The engine's metrics (GET /metrics, the request and auth hooks); absent: request and auth metrics only. */
  metrics?: Metrics;
}

/** The least body limit of PUT /personalizer/…/model: a model file of ~5,000 actions. */
export const MODEL_BODY_LIMIT_BYTES = 128 * 1024 * 1024;

/** The outbound-list route, which gets its own body limit and timeout (src/http/decisions-batch.ts). */
export const BATCH_PATH = '/v1/decisions/batch';

/** Runs `special` on the batch route and `general` on every other path. */
function byPath(special: MiddlewareHandler<AppEnv>, general: MiddlewareHandler<AppEnv>): MiddlewareHandler<AppEnv> {
  return (c, next) => (c.req.path === BATCH_PATH ? special(c, next) : general(c, next));
}

/**
 * 413 for a body over the limit. A declared Content-Length is checked directly: hono's `bodyLimit` reads the body
 * as a stream, which makes @hono/node-server build a full WHATWG Request for every call (measured: most of the
 * HTTP overhead of a decision). Chunked bodies (no Content-Length) still go through the streaming check.
 */
function requestBodyLimit(maxBytes: number): MiddlewareHandler<AppEnv> {
  const tooLarge = (c: Parameters<MiddlewareHandler<AppEnv>>[0]) =>
    problem(c, 'payload_too_large', `the request body is over the limit of ${maxBytes} bytes`, [
      { field: 'body', message: `at most ${maxBytes} bytes` },
    ]);
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

  const metrics = deps.metrics ?? createMetrics();
  app.use('*', httpMetrics(metrics));
  app.use('*', securityHeaders());
  if (deps.maxInflight) {
    const limit = createInflightLimit({
      maxInflight: deps.maxInflight,
      retryAfterSeconds: RETRY_AFTER_SECONDS,
      exempt: PROBE_PATHS,
      onShed: (refused) => deps.logger.warn({ refused, maxInflight: deps.maxInflight }, 'overloaded: refused requests with 503'),
    });
    app.use('*', limit.middleware);
  }
  // Incoming ids are kept when they are 1–128 characters of [A-Za-z0-9_-=] (hono's check), else replaced.
  app.use('*', requestId({ limitLength: 128 }));
  app.use('*', requestLog(deps.logger));
  app.use('*', authenticate(deps.services.access, metrics));
  if (deps.requestTimeoutMs) {
    const general = requestTimeout(deps.requestTimeoutMs, RETRY_AFTER_SECONDS);
    app.use('*', byPath(requestTimeout(deps.batchTimeoutMs ?? deps.requestTimeoutMs, RETRY_AFTER_SECONDS), general));
  }
  app.use('*', rejectContentEncoding());
  app.use('/v1/*', byPath(requestBodyLimit(deps.batchBodyLimitBytes ?? deps.bodyLimitBytes), requestBodyLimit(deps.bodyLimitBytes)));
  // A Personalizer model file (PUT …/model, ops only) holds every action's posterior, ≈ 23 KB each: it may be as large
  // as what its own GET /model exports for thousands of actions.
  const modelBodyLimit = requestBodyLimit(Math.max(deps.batchBodyLimitBytes ?? deps.bodyLimitBytes, MODEL_BODY_LIMIT_BYTES));
  const personalizerBodyLimit = requestBodyLimit(deps.bodyLimitBytes);
  app.use('/personalizer/*', (c, next) => (isModelPath(c.req.path) ? modelBodyLimit(c, next) : personalizerBodyLimit(c, next)));
  app.onError(createErrorHandler(deps.logger));
  app.notFound(notFoundOrNotAllowed(allowedMethodsOf(app)));

  registerSchema(app, routeDeps);
  registerActions(app, routeDeps);
  registerDecisionsBatch(app, routeDeps);
  registerDecisions(app, routeDeps);
  registerDecisionLifecycle(app, routeDeps);
  registerFeedback(app, routeDeps);
  registerStats(app, routeDeps);
  registerLift(app, routeDeps);
  registerDashboardData(app, routeDeps);
  registerEvaluations(app, routeDeps);
  registerCustomers(app, routeDeps);
  registerChannels(app, routeDeps);
  registerContactPolicy(app, routeDeps);
  registerKeys(app, routeDeps);
  registerPersonalizer(app, routeDeps);
  registerHealth(app, routeDeps);
  registerMetrics(app, metrics);
  registerDocs(app, routeDeps);
  registerDashboard(app);
  return app;
}
