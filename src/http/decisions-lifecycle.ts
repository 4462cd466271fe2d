/**
 * A decision after its answer (DESIGN.md §8.5): POST /v1/decisions/{decisionId}/activate (deferred activation) and
 * GET /v1/decisions/{decisionId} (the audit trail, with each action's outcome).
 */
import { createRoute, z } from '@hono/zod-openapi';
import type { KairosApp, RouteDeps } from './env.js';
import { DecisionIdParams, problemResponses } from './schemas.js';

const isoTime = z.string().openapi({ format: 'date-time' });

export const DecisionAuditSchema = z
  .object({
    decisionId: z.string(),
    createdAt: isoTime,
    customerId: z.string().nullable().openapi({ description: 'null when the decision had none, or after the customer was erased' }),
    channel: z.string(),
    group: z.enum(['policy', 'control']),
    activated: z.boolean().openapi({ description: 'false until a deferred decision is activated (or gets an outcome)' }),
    probabilityMethod: z
      .enum(['exact', 'monte-carlo', 'off'])
      .nullable()
      .openapi({ description: 'How the probabilities were computed: exact, monte-carlo (each action states probabilityError), off (KAIROS_PROBABILITY_DRAWS=0: not probabilities; refused by an evaluation); null for decisions stored before it was recorded.' }),
    noActionProbability: z.number().nullable().openapi({ description: "The policy's probability of offering nothing; null when not recorded." }),
    probabilityDraws: z.number().int().nullable().openapi({ description: 'Monte Carlo re-draws behind the probabilities (0 unless monte-carlo); null when not recorded.' }),
    actions: z.array(
      z.object({
        actionId: z.string(),
        slot: z.number().int(),
        propensity: z.number(),
        probability: z.number(),
        probabilityError: z.number().optional().openapi({ description: 'Only for monte-carlo: the binomial standard error √(p(1−p)/(M+1)) of probability.' }),
        outcome: z.enum(['response', 'ignore']).optional().openapi({ description: 'Absent until an outcome is recorded (or the window expires: ignore)' }),
        reward: z.number().optional(),
        outcomeAt: isoTime.optional(),
      }),
    ),
  })
  .openapi('DecisionAudit');

const activate = createRoute({
  method: 'post',
  path: '/v1/decisions/{decisionId}/activate',
  tags: ['decisions'],
  summary: 'Activate a deferred decision',
  description:
    'For a decision taken with `activate: false`: it was shown now. Its offered actions become contacts of the ' +
    'customer (counted by the contact limits and suppressions, at this time) and it is learned from: an outcome, or ' +
    'an ignore after the feedback window. Idempotent: activating again answers 204 and changes nothing. A decision ' +
    'never activated within the feedback window was dropped from learning: 409. No body.',
  request: { params: DecisionIdParams },
  responses: { 204: { description: 'Activated (or already active)' }, ...problemResponses(400, 404, 409) },
});

const getDecision = createRoute({
  method: 'get',
  path: '/v1/decisions/{decisionId}',
  tags: ['decisions'],
  summary: 'Read a decision with its outcomes (the audit trail)',
  description: 'The decision as stored, each chosen action with its outcome once recorded. The app may read its own decisions back (e.g. to show a deferred one).',
  request: { params: DecisionIdParams },
  responses: {
    200: { description: 'The decision', content: { 'application/json': { schema: DecisionAuditSchema } } },
    ...problemResponses(400, 404),
  },
});

/** Registers POST /v1/decisions/{decisionId}/activate and GET /v1/decisions/{decisionId}. */
export function registerDecisionLifecycle(app: KairosApp, deps: RouteDeps): void {
  app.openapi(activate, (c) => {
    deps.services.lifecycle.activate(c.req.valid('param').decisionId);
    return c.body(null, 204);
  });
  app.openapi(getDecision, (c) => c.json(deps.services.lifecycle.get(c.req.valid('param').decisionId), 200));
}
