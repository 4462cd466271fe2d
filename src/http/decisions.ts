/**
 * POST /v1/decisions: the next best action(s) for one customer on one channel, or none.
 * Its request log line is the canonical decision line (the wide event ops search by decision id or request id).
 * Neither the context nor the customer id is logged: both may be personal data.
 */
import { createRoute } from '@hono/zod-openapi';
import type { KairosApp, RouteDeps } from './env.js';
import { stopIfTimedOut } from './middleware/request-timeout.js';
import { DecisionBody, DecisionResponseSchema, problemResponses } from './schemas.js';

const postDecision = createRoute({
  method: 'post',
  path: '/v1/decisions',
  tags: ['decisions'],
  summary: 'Decide the next best action',
  description:
    'Candidates are the active actions offered on `channel` (a declared channel, once any is declared), limited to ' +
    '`candidates` when given, minus `exclude`, then filtered by each action’s schedule, daily budget and eligibility rule, ' +
    'the customer’s suppressions and the channel’s contact limit (mandatory actions pass the limit). With a stored ' +
    '`customerId` the context may be omitted (stored attributes, then event-fed features, then `context`). Each candidate ' +
    'is scored by contextual Thompson sampling; priority = sampled propensity × value × lever, net value = priority − ' +
    'the channel’s contact cost. An action is offered only when its net value is positive and it clears the propensity ' +
    'and priority thresholds of the contact policy; otherwise the answer is no action with `noActionReason`.',
  request: { body: { required: true, content: { 'application/json': { schema: DecisionBody } } } },
  responses: {
    200: { description: 'The decision', content: { 'application/json': { schema: DecisionResponseSchema } } },
    ...problemResponses(400, 413, 415, 422, 503),
  },
});

/** Registers POST /v1/decisions; its request line is the canonical `decision` line at info. */
export function registerDecisions(app: KairosApp, deps: RouteDeps): void {
  app.openapi(postDecision, async (c) => {
    const request = c.req.valid('json');
    // The timeout already answered 503 (the body came too late): the client retries, so decide nothing now.
    stopIfTimedOut(c);
    const { response, trace } = await deps.services.decisions.decideTraced(request);
    const first = response.actions[0];
    // The request's one log line (request-log.ts) becomes the canonical decision line. No customer id: it is
    // personal data, and the decision id leads to it in the database, where access is controlled.
    c.set('logMessage', 'decision');
    c.set('logFields', {
      decisionId: response.decisionId,
      channel: response.channel,
      group: response.group,
      chosen: first?.actionId ?? null,
      noActionReason: response.noActionReason ?? null,
      propensity: first?.propensity ?? null,
      probability: first?.probability ?? null,
      candidates: trace.candidates,
      seed: trace.seed,
      schemaVersion: trace.schemaVersion,
    });
    return c.json(response, 200);
  });
}
