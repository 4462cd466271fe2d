/** Zod schemas of the dashboard's data calls (GET /v1/stats/series, GET /v1/stats/no-action; issue #11 contract). */
import { z } from '@hono/zod-openapi';
import { NO_ACTION_REASONS } from '../domain/types.js';
import { instantParam } from './time-query.js';


export const WindowQuerySchema = z
  .object({
    from: instantParam.optional().openapi({ description: 'Start (floored to the bucket); default to − 30 days' }),
    to: instantParam.optional().openapi({ description: 'End (ceiled to the bucket); default now' }),
  })
  .strict();

const point = z.object({
  t: z.string().openapi({ description: 'Start of the UTC day' }),
  decisions: z.number().int(),
  responses: z.number().int(),
  ignores: z.number().int(),
  responseRate: z.number().nullable().openapi({ description: 'responses / (responses + ignores); null without a closed outcome' }),
  value: z.number().openapi({ description: 'Σ action value × (reward ?? 1) of the responses' }),
});

export const SeriesSchema = z
  .object({
    from: z.string(),
    to: z.string(),
    bucket: z.literal('day'),
    actions: z.array(z.object({ actionId: z.string(), points: z.array(point) })),
  })
  .openapi('StatsSeries');

export const NoActionSchema = z
  .object({
    from: z.string(),
    to: z.string(),
    opportunities: z.number().int().openapi({ description: 'Every decision request, including no action' }),
    noAction: z.number().int().openapi({ description: 'Decision requests that offered nothing' }),
    reasons: z.record(z.string(), z.number().int()).openapi({
      description: `No-action decisions by reason (${NO_ACTION_REASONS.join(', ')}); every reason present`,
    }),
  })
  .openapi('StatsNoAction');
