/**
 * Who may call what (DESIGN.md §10): one entry per registered route, `METHOD /path` with OpenAPI-style parameters.
 * test/http/route-roles.test.ts walks every route the app registers against this table, so a route added without
 * an entry fails the suite. ops is listed on every protected route (ops may do everything).
 *
 * - app: decisions and feedback, activate, batch, and reading a decision back (GET /v1/decisions/{decisionId}: an app
 *   that defers activation shows the decision later, so it must read what was decided; customers and events
 *   except DELETE; Personalizer rank, reward and activate).
 * - analyst: every GET that reads data (schema, catalog, stats; later lift, evaluations, dashboard, metrics).
 * - ops: everything, including the schema, the catalog and the keys.
 * - public: the orchestrator probes, and the API description and its viewer — they hold no data, only the
 *   shape of the API, which is published with the source anyway; keeping them open lets a client be generated
 *   and the docs read before a key is issued.
 */
import { ROLES, type Role } from '../../access/keys.js';
import { PERSONALIZER_BASES } from '../personalizer/errors.js';
import { honoPath, openApiPath } from '../route-pattern.js';

export type RouteRule = 'public' | readonly Role[];

const OPS: readonly Role[] = ['ops'];
const READ: readonly Role[] = ['analyst', 'ops'];
const APP: readonly Role[] = ['app', 'ops'];

export const ROUTE_ROLES: Readonly<Record<string, RouteRule>> = {
  'GET /healthz': 'public',
  'GET /readyz': 'public',
  'GET /openapi.json': 'public',
  'GET /docs': 'public',
  'GET /docs/assets/kairos-init.js': 'public',
  'GET /docs/assets/{file}': 'public',
  // The dashboard's shell and assets hold no data (a browser cannot send a key on navigation); its data calls are
  // analyst routes below. DESIGN.md §10 lists the dashboard under analyst: the data it shows is.
  'GET /dashboard': 'public',
  'GET /dashboard/assets/{file}': 'public',

  'PUT /v1/schema': OPS,
  'GET /v1/schema': READ,
  'PUT /v1/actions/{actionId}': OPS,
  'GET /v1/actions': READ,
  'GET /v1/actions/{actionId}': READ,
  'GET /v1/actions/{actionId}/stats': READ,
  'GET /v1/stats': READ,
  'GET /v1/lift': READ,
  'GET /v1/stats/series': READ,
  'GET /v1/stats/no-action': READ,

  // Channels and the contact policy are configuration: ops writes them, analysts read them; apps need neither.
  'PUT /v1/channels/{channelId}': OPS,
  'GET /v1/channels': READ,
  'GET /v1/channels/{channelId}': READ,
  'PUT /v1/contact-policy': OPS,
  'GET /v1/contact-policy': READ,

  'POST /v1/decisions': APP,
  'POST /v1/decisions/{decisionId}/feedback': APP,
  'POST /v1/decisions/{decisionId}/activate': APP,
  'POST /v1/decisions/batch': APP,
  'GET /v1/decisions/{decisionId}': ['app', 'analyst', 'ops'],

  'PUT /v1/customers/{customerId}': APP,
  'PATCH /v1/customers/{customerId}': APP,
  'GET /v1/customers/{customerId}': ['app', 'analyst', 'ops'],
  'DELETE /v1/customers/{customerId}': OPS,
  'POST /v1/customers/{customerId}/events': APP,

  // Prometheus scrapes with an analyst key (README: scrape config).
  'GET /metrics': READ,
  // Off-policy evaluation (DESIGN.md §9.2): analysts start and read them.
  'POST /v1/evaluations': READ,
  'GET /v1/evaluations': READ,
  'GET /v1/evaluations/{evaluationId}': READ,

  'POST /v1/keys': OPS,
  'GET /v1/keys': OPS,
  'DELETE /v1/keys/{keyId}': OPS,

  // Azure Personalizer (DESIGN.md §11), under both bases: apps rank, reward and activate; ops configure, export,
  // import and reset the model and delete the logs; analysts read the configuration and the properties.
  ...personalizerRoles(),
};

/** The Personalizer routes' rules, once per base (src/http/personalizer/errors.ts PERSONALIZER_BASES). */
function personalizerRoles(): Record<string, RouteRule> {
  const rules: Record<string, RouteRule> = {};
  for (const base of PERSONALIZER_BASES) {
    for (const path of ['/rank', '/events/{eventId}/reward', '/events/{eventId}/activate', '/multislot/rank', '/multislot/events/{eventId}/reward', '/multislot/events/{eventId}/activate']) {
      rules[`POST ${base}${path}`] = APP;
    }
    for (const path of ['/configurations/service', '/configurations/policy', '/model/properties', '/logs/properties']) rules[`GET ${base}${path}`] = READ;
    rules[`PUT ${base}/configurations/service`] = OPS;
    rules[`PUT ${base}/configurations/policy`] = OPS;
    rules[`DELETE ${base}/configurations/policy`] = OPS;
    rules[`GET ${base}/model`] = OPS;
    rules[`PUT ${base}/model`] = OPS;
    rules[`DELETE ${base}/model`] = OPS;
    rules[`DELETE ${base}/logs`] = OPS;
  }
  return rules;
}

/**
 * A matched route that has no entry (a gap the route-table test would catch) is ops-only: fail closed. A request
 * that matches no route (404, wrong method) needs any valid key, so the route list is not probed anonymously.
 */
export const UNLISTED_ROUTE: readonly Role[] = OPS;
export const UNMATCHED_ROUTE: readonly Role[] = ROLES;

/** The table keyed the way hono registers paths (`/v1/actions/:actionId`), for the per-request lookup. */
export function routerKeyedRules(table: Readonly<Record<string, RouteRule>> = ROUTE_ROLES): Map<string, RouteRule> {
  const out = new Map<string, RouteRule>();
  for (const [route, rule] of Object.entries(table)) out.set(honoPath(route), rule);
  return out;
}

/** `GET /v1/actions/:actionId` → `GET /v1/actions/{actionId}`: the table's spelling of a hono route. */
export function tableKey(method: string, path: string): string {
  return `${method.toUpperCase()} ${openApiPath(path)}`;
}
