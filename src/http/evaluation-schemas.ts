/** Zod schemas of the evaluation routes (DESIGN.md §9.2). The settings are checked by the service (400 naming each key). */
import { z } from '@hono/zod-openapi';
import { MAX_POLICIES } from '../evaluation/settings.js';
import { CHANNEL_PATTERN } from './schemas.js';

const instant = z
  .union([z.string().min(1).max(64), z.number().int().min(0)])
  .openapi({ description: 'ISO-8601 time or Unix milliseconds', example: '2026-12-01T00:00:00.000Z' });

const settings = z.record(z.string(), z.unknown()).openapi({
  description: 'Overrides of the service settings: priorRate, drawCorrelation, minPriority, forgettingHalfLife, changeDetection',
  example: { priorRate: 0.2 },
});

export const EvaluationBodySchema = z
  .strictObject({
    from: instant.optional(),
    to: instant.optional(),
    channel: z.string().regex(CHANNEL_PATTERN, 'must be 1–64 characters of A–Z, a–z, 0–9, _ . : -').optional(),
    policies: z
      .array(z.strictObject({ name: z.string().min(1).max(64), settings: settings.optional() }))
      .min(1)
      .max(MAX_POLICIES),
  })
  .openapi('EvaluationRequest');

export const EvaluationAcceptedSchema = z
  .object({ evaluationId: z.string(), status: z.literal('running'), location: z.string() })
  .openapi('EvaluationAccepted');

const interval = z.tuple([z.number(), z.number()]).nullable();

export const EvaluationSchema = z
  .object({
    evaluationId: z.string(),
    status: z.enum(['running', 'done', 'failed']),
    progress: z.number(),
    rows: z.number().int(),
    createdAt: z.string(),
    finishedAt: z.string().nullable(),
    request: z.object({
      from: z.string(),
      to: z.string(),
      channel: z.string().nullable(),
      policies: z.array(z.object({ name: z.string(), settings: z.record(z.string(), z.unknown()) })),
    }),
    error: z.string().nullable(),
    results: z.array(
      z.object({
        policy: z.string(),
        estimator: z.enum(['ips', 'snips', 'dr']),
        value: z.number().nullable(),
        ci95: interval,
        effectiveSampleSize: z.number().nullable(),
      }),
    ),
    evaluated: z.number().int().nullable(),
    skipped: z.object({ pending: z.number().int(), multiSlot: z.number().int(), unsupported: z.number().int() }).nullable(),
  })
  .openapi('Evaluation');

export const EvaluationListSchema = z.object({ evaluations: z.array(EvaluationSchema) }).openapi('EvaluationList');

export const EvaluationIdParams = z.object({
  evaluationId: z.string().min(1).max(128).openapi({ param: { name: 'evaluationId', in: 'path' } }),
});

export const EvaluationListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20).openapi({ param: { name: 'limit', in: 'query' } }),
});
