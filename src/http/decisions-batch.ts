/**
 * POST /v1/decisions/batch: an outbound list — up to 10,000 customers on one channel, each decided alone with every
 * policy applied (src/decisions/batch.ts). A malformed envelope is a 400 and decides nothing; one customer's failure
 * is that entry's problem object, in request order. The route has its own body limit and request timeout
 * (KAIROS_BATCH_BODY_LIMIT, KAIROS_BATCH_TIMEOUT; src/http/app.ts). The in-flight limit counts it as one request.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { AppError } from '../errors.js';
import type { KairosApp, RouteDeps } from './env.js';
import { stopIfTimedOut } from './middleware/request-timeout.js';
import { problemBody, type ProblemBody } from './problem.js';
import { CHANNEL_PATTERN, DecisionResponseSchema, MAX_SLOTS, ProblemSchema, problemResponses } from './schemas.js';

/** Entries per batch (DESIGN.md §8.5). */
export const MAX_BATCH = 10_000;

export const BatchBody = z
  .strictObject({
    channel: z.string().regex(CHANNEL_PATTERN, 'must be 1–64 characters of A–Z, a–z, 0–9, _ . : -').openapi({ example: 'email' }),
    requests: z
      .array(
        z.strictObject({
          customerId: z.string().min(1).max(256),
          context: z.record(z.string(), z.unknown()).optional().openapi({ description: 'Overrides the stored profile key by key; required for an unknown customer' }),
        }),
      )
      .min(1)
      .max(MAX_BATCH),
    slots: z.number().int().min(1).max(MAX_SLOTS).optional(),
    activate: z.boolean().optional().openapi({ description: 'false: every decision is deferred (POST …/activate each one when sent)' }),
    explain: z.boolean().optional(),
  })
  .openapi('BatchDecisionRequest');

export const BatchResponseSchema = z
  .object({
    results: z.array(z.union([DecisionResponseSchema, ProblemSchema])).openapi({
      description: 'One per request, in request order: the decision, or the problem that refused that customer alone',
    }),
  })
  .openapi('BatchDecisionResponse');

const postBatch = createRoute({
  method: 'post',
  path: '/v1/decisions/batch',
  tags: ['decisions'],
  summary: 'Decide an outbound list',
  description:
    `Up to ${MAX_BATCH.toLocaleString('en')} customers on one channel, each getting their own best action or nothing, ` +
    'with every policy applied as for POST /v1/decisions (the 1:1 replacement of a segment campaign). `results` ' +
    'follows the order of `requests`; an entry that cannot be decided (e.g. an unknown customer with no context: ' +
    '422) is a problem object in its place. Decided in chunks that each wait for their commit, so a batch leaves ' +
    'the write buffer and the event loop to other traffic.',
  request: { body: { required: true, content: { 'application/json': { schema: BatchBody } } } },
  responses: {
    200: { description: 'One result per request', content: { 'application/json': { schema: BatchResponseSchema } } },
    ...problemResponses(400, 413, 415, 503),
  },
});

export function registerDecisionsBatch(app: KairosApp, deps: RouteDeps): void {
  app.openapi(postBatch, async (c) => {
    const body = c.req.valid('json');
    stopIfTimedOut(c);
    const entries = await deps.services.batch.decide(body, { stopped: () => c.get('timedOut') === true });
    stopIfTimedOut(c);
    let failed = 0;
    const results = entries.map((entry, index): unknown => {
      if (entry.ok) return entry.response;
      failed += 1;
      return entryProblem(entry.error, index, deps);
    });
    c.set('logFields', { entries: entries.length, failed, channel: body.channel });
    return c.json({ results } as z.infer<typeof BatchResponseSchema>, 200);
  });
}

/** An entry's problem object; an unexpected error is logged and answered as an internal problem that leaks nothing. */
function entryProblem(error: Error, index: number, deps: RouteDeps): ProblemBody {
  if (error instanceof AppError) return problemBody(error.code, error.message, error.errors);
  deps.logger.error({ err: error, entry: index }, 'batch entry failed');
  return problemBody('internal', `unexpected error deciding entry ${index}`);
}
