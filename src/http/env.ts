/** Types shared by the app factory and the route files. */
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Logger } from 'pino';
import type { Role } from '../access/keys.js';
import type { Services } from '../domain/types.js';

/** Per-request variables set by the app's middleware. */
export interface AppEnv {
  Variables: {
    /** From the x-request-id header when it is well-formed, otherwise generated. */
    requestId: string;
    /** performance.now() when the request entered the app (ms). */
    startedAt: number;
    /** The API key the request authenticated with (set by the access middleware; never the key itself). */
    apiKey: { id: string; role: Role } | undefined;
    /** Extra fields a route adds to the request's one log line (src/http/middleware/request-log.ts). */
    logFields: Record<string, unknown>;
    /** The message of that line when a route names it (e.g. 'decision'); default 'request'. */
    logMessage: string;
    /** Set when the in-flight limit refused the request (it is counted, not logged). */
    shed: boolean;
    /**
     * Set when the request timeout has answered 503: the client was told to retry, so a handler whose body arrives
     * later must not act on it (src/http/middleware/request-timeout.ts).
     */
    timedOut: boolean;
  };
}

export type KairosApp = OpenAPIHono<AppEnv>;

/** What every route registration receives. */
export interface RouteDeps {
  services: Services;
  logger: Logger;
  /** Service version reported by /healthz and /openapi.json. */
  version: string;
}
