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
    /** Set by a route that wrote its own canonical log line, so the generic request line is skipped. */
    logged: boolean;
    /** The API key the request authenticated with (set by the access middleware; never the key itself). */
    apiKey: { id: string; role: Role } | undefined;
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
