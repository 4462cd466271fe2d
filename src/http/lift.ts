/** GET /v1/lift: the policy against the always-on control group, with delta-method 95 % intervals (DESIGN.md §9.1). */
import { createRoute, z } from '@hono/zod-openapi';
import { CATEGORIES } from '../domain/types.js';
import type { KairosApp, RouteDeps } from './env.js';
import { CHANNEL_PATTERN, problemResponses } from './schemas.js';
import { instantParam } from './time-query.js';

const LiftQuerySchema = z.strictObject({
  from: instantParam.optional().openapi({ param: { name: 'from', in: 'query' }, description: 'Start of the window (floored to the hour); default `to` − 30 days.' }),
  to: instantParam.optional().openapi({ param: { name: 'to', in: 'query' }, description: 'End of the window, exclusive (ceiled to the hour); default now.' }),
  channel: z
    .string()
    .regex(CHANNEL_PATTERN, 'must be 1–64 characters of A–Z, a–z, 0–9, _ . : -')
    .optional()
    .openapi({ param: { name: 'channel', in: 'query' }, description: 'Only this channel (a channel with no decisions answers zeros).', example: 'app' }),
  category: z
    .enum(CATEGORIES)
    .optional()
    .openapi({ param: { name: 'category', in: 'query' }, description: 'Only decisions whose top action is in this category; no-action decisions then do not count.' }),
});

const GroupSchema = z.object({
  opportunities: z.number().int().openapi({ description: 'Decision requests, including those that offered nothing.' }),
  contacts: z.number().int().openapi({ description: 'Activated decisions that offered something.' }),
  responses: z.number().int(),
  responseRate: z.number().nullable().openapi({ description: 'responses / opportunities; null without opportunities.' }),
  value: z.number().openapi({ description: 'Σ action value × (reward ?? 1) over the responses.' }),
  valuePerOpportunity: z.number().nullable(),
});

const LiftEstimateSchema = z.object({
  estimate: z.number().nullable().openapi({ description: '(policy − control) / control; null when control has no opportunities or a zero mean.' }),
  ci95: z.tuple([z.number(), z.number()]).nullable().openapi({ description: 'Delta-method 95 % interval; null when it cannot be computed.' }),
});

const LiftSchema = z
  .object({
    from: z.string().openapi({ format: 'date-time', description: 'The effective start (floored to the hour).' }),
    to: z.string().openapi({ format: 'date-time', description: 'The effective end, exclusive (ceiled to the hour).' }),
    channel: z.string().nullable(),
    category: z.enum(CATEGORIES).nullable(),
    controlShare: z.number().openapi({ description: 'KAIROS_CONTROL_SHARE of this process.' }),
    policy: GroupSchema,
    control: GroupSchema,
    lift: z.object({ responseRate: LiftEstimateSchema, valuePerOpportunity: LiftEstimateSchema }),
    series: z.array(z.object({ t: z.string().openapi({ format: 'date-time' }), policy: GroupSchema, control: GroupSchema })).openapi({
      description: 'Every UTC day overlapping the window, in order.',
    }),
  })
  .openapi('Lift');

const getLift = createRoute({
  method: 'get',
  path: '/v1/lift',
  tags: ['measurement'],
  summary: 'Lift of the policy over the always-on control group',
  description:
    'Response rate and value per opportunity of the policy and of the control group (a uniform pick among the ' +
    'actions every policy allows, for KAIROS_CONTROL_SHARE of customers by month), and the relative lift with a ' +
    'delta-method 95 % interval, from hourly aggregates. `from`/`to` take ISO-8601 or Unix ms.',
  request: { query: LiftQuerySchema },
  responses: {
    200: { description: 'The lift', content: { 'application/json': { schema: LiftSchema } } },
    ...problemResponses(400),
  },
});

/** Registers GET /v1/lift. */
export function registerLift(app: KairosApp, deps: RouteDeps): void {
  app.openapi(getLift, (c) => {
    const q = c.req.valid('query');
    const report = deps.services.lift.lift({
      ...(q.from !== undefined ? { from: q.from } : {}),
      ...(q.to !== undefined ? { to: q.to } : {}),
      ...(q.channel !== undefined ? { channel: q.channel } : {}),
      ...(q.category !== undefined ? { category: q.category } : {}),
    });
    return c.json({ ...report, category: report.category as (typeof CATEGORIES)[number] | null }, 200);
  });
}
