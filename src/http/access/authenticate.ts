/**
 * The access middleware: finds the route the router matched, looks its roles up in ROUTE_ROLES and checks the
 * presented key — `Authorization: Bearer <key>` or `Ocp-Apim-Subscription-Key: <key>` (Azure Personalizer's
 * header). No key, or an unknown or revoked one: 401 with `WWW-Authenticate`. A valid key of another role: 403
 * naming the roles that may call. The key's id and role go on the context for the request log; the key never does.
 *
 * While keys are not enforced on a loopback HOST (open until the first key, or KAIROS_AUTH=off) only a request
 * addressed to a loopback host is served: a web page whose domain rebinds to 127.0.0.1 sends its own name in Host,
 * and would otherwise read data and mint an ops key from the visitor's browser (DNS rebinding). Once keys are
 * enforced the key decides, not the Host; KAIROS_AUTH=off on another HOST serves whoever can reach it, as it says.
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { AccessService } from '../../access/access-service.js';
import { NO_METRICS, type MetricsHooks } from '../../metrics/types.js';
import { isLoopbackHost } from '../../access/startup.js';
import type { AppEnv } from '../env.js';
import { problem } from '../problem.js';
import { answeringRoute } from '../route-pattern.js';
import { routerKeyedRules, UNLISTED_ROUTE, UNMATCHED_ROUTE, type RouteRule } from './route-roles.js';

export const WWW_AUTHENTICATE = 'Bearer realm="kairos"';
export const SUBSCRIPTION_KEY_HEADER = 'ocp-apim-subscription-key';

/** The key a request presents, or undefined; `malformed` when Authorization is there but not `Bearer <token>`. */
export function presentedKey(c: Context): string | undefined | { malformed: string } {
  const authorization = c.req.header('authorization');
  if (authorization !== undefined) {
    const match = /^Bearer +(\S+) *$/i.exec(authorization);
    return match ? match[1] : { malformed: 'the Authorization header must be `Bearer <key>`' };
  }
  const subscription = c.req.header(SUBSCRIPTION_KEY_HEADER)?.trim();
  return subscription ? subscription : undefined;
}

/** The rule of the route that will answer (route-pattern.ts `answeringRoute`). */
function ruleFor(c: Context, rules: Map<string, RouteRule>): RouteRule {
  const route = answeringRoute(c);
  return route === undefined ? UNMATCHED_ROUTE : (rules.get(`${route.method} ${route.path}`) ?? UNLISTED_ROUTE);
}

/** The hostname of a Host header: the port stripped, an IPv6 literal's brackets kept for isLoopbackHost. */
export function hostnameOf(host: string): string {
  const value = host.trim();
  if (value.startsWith('[')) {
    const end = value.indexOf(']');
    return end === -1 ? value : value.slice(0, end + 1);
  }
  const colon = value.indexOf(':');
  // More than one colon is an unbracketed IPv6 literal (not valid in Host, but not a port either).
  return colon !== -1 && value.indexOf(':', colon + 1) === -1 ? value.slice(0, colon) : value;
}

function unauthorized(c: Context<AppEnv>, detail: string): Response {
  c.header('WWW-Authenticate', WWW_AUTHENTICATE);
  return problem(c, 'unauthorized', detail, [{ field: 'authorization', message: 'a valid API key is required' }]);
}

/** `metrics` counts each refusal by reason (kairos_auth_failures_total). */
export function authenticate(access: AccessService, metrics: Pick<MetricsHooks, 'authFailure'> = NO_METRICS): MiddlewareHandler<AppEnv> {
  const rules = routerKeyedRules();
  return async (c, next) => {
    const rule = ruleFor(c, rules);
    if (rule === 'public') return next();
    if (!access.enforced()) {
      if (!access.loopback) return next();
      const host = c.req.header('host');
      // No Host at all (HTTP/1.0, app.request in tests) is no browser's request: browsers always send it.
      if (host === undefined || isLoopbackHost(hostnameOf(host))) return next();
      metrics.authFailure('host');
      return problem(c, 'forbidden', 'the open service (API keys not enforced) only answers requests addressed to a loopback host', [
        { field: 'host', message: 'must be localhost or a loopback address (127.0.0.0/8, ::1) while API keys are not enforced' },
      ]);
    }
    const presented = presentedKey(c);
    if (presented === undefined) {
      metrics.authFailure('missing');
      return unauthorized(c, 'an API key is required: send `Authorization: Bearer <key>` or `Ocp-Apim-Subscription-Key: <key>`');
    }
    if (typeof presented !== 'string') {
      metrics.authFailure('malformed');
      return unauthorized(c, presented.malformed);
    }
    const key = access.authenticate(presented);
    // Unknown and revoked answer alike, so a caller learns nothing about which keys once existed.
    if (!key) {
      metrics.authFailure('invalid');
      return unauthorized(c, 'the API key is not valid (unknown or revoked)');
    }
    c.set('apiKey', { id: key.id, role: key.role });
    if (!rule.includes(key.role)) {
      metrics.authFailure('forbidden');
      return problem(
        c,
        'forbidden',
        `this route needs a key with the role ${rule.join(' or ')}; key ${key.id} has the role ${key.role}`,
        undefined,
        { roles: [...rule] },
      );
    }
    return next();
  };
}
