/** Zod schemas of the dashboard's data calls (GET /v1/stats/series, GET /v1/stats/no-action; issue #11 contract). */
import { z } from '@hono/zod-openapi';
import { NO_ACTION_REASONS } from '../domain/types.js';
import { parseTimeParam } from './time-query.js';

const INSTANT_MESSAGE = 'must be an ISO-8601 date or date-time with an offset (2026-12-01T00:00:00Z), or Unix ms';

/** An instant as ISO-8601 or Unix milliseconds, parsed to Unix ms. */
export const instantParam = z
  .string()
  .transform((text, ctx) => {
    // One parser for every measurement route (src/http/time-query.ts: calendar dates only, an offset required).
    const ms = parseTimeParam(text);
    if (ms === undefined) {
      ctx.addIssue({ code: 'custom', message: INSTANT_MESSAGE });
      return z.NEVER;
    }
    return ms;
  })
  .openapi({ type: 'string', example: '2026-11-01T00:00:00Z', description: 'ISO-8601 or Unix ms' });

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
