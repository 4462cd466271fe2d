/**
 * The access middleware: finds the route the router matched, looks its roles up in ROUTE_ROLES and checks the
 * presented key — `Authorization: Bearer <key>` or `Ocp-Apim-Subscription-Key: <key>` (Azure Personalizer's
 * header). No key, or an unknown or revoked one: 401 with `WWW-Authenticate`. A valid key of another role: 403
 * naming the roles that may call. The key's id and role go on the context for the request log; the key never does.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { AccessService } from '../../access/access-service.js';
import type { AppEnv } from '../env.js';
import { problem } from '../problem.js';
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

/**
 * The rule of the route that will answer: the first matched handler that is not middleware (`ALL`). Handlers run in
 * registration order and a route handler answers, so when two paths match (`/docs/assets/kairos-init.js` and
 * `/docs/assets/:file`) the first registered is the one that responds.
 */
function ruleFor(c: Context, rules: Map<string, RouteRule>): RouteRule {
  for (const route of matchedRoutes(c)) {
    if (route.method === 'ALL') continue;
    return rules.get(`${route.method} ${route.path}`) ?? UNLISTED_ROUTE;
  }
  return UNMATCHED_ROUTE;
}

function unauthorized(c: Context<AppEnv>, detail: string): Response {
  c.header('WWW-Authenticate', WWW_AUTHENTICATE);
  return problem(c, 'unauthorized', detail, [{ field: 'authorization', message: 'a valid API key is required' }]);
}

export function authenticate(access: AccessService): MiddlewareHandler<AppEnv> {
  const rules = routerKeyedRules();
  return async (c, next) => {
    const rule = ruleFor(c, rules);
    if (rule === 'public' || !access.enforced()) return next();
    const presented = presentedKey(c);
    if (presented === undefined) {
      return unauthorized(c, 'an API key is required: send `Authorization: Bearer <key>` or `Ocp-Apim-Subscription-Key: <key>`');
    }
    if (typeof presented !== 'string') return unauthorized(c, presented.malformed);
    const key = access.authenticate(presented);
    // Unknown and revoked answer alike, so a caller learns nothing about which keys once existed.
    if (!key) return unauthorized(c, 'the API key is not valid (unknown or revoked)');
    c.set('apiKey', { id: key.id, role: key.role });
    if (!rule.includes(key.role)) {
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
