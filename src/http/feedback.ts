/** POST /v1/decisions/{decisionId}/feedback: the outcome of a decided action, committed before the answer. */
import { createRoute } from '@hono/zod-openapi';
import type { KairosApp, RouteDeps } from './env.js';
import { stopIfTimedOut } from './middleware/request-timeout.js';
import { DecisionIdParams, FeedbackBody, FeedbackResponseSchema, problemResponses } from './schemas.js';

const postFeedback = createRoute({
  method: 'post',
  path: '/v1/decisions/{decisionId}/feedback',
  tags: ['decisions'],
  summary: 'Record the outcome of a decision',
  description:
    'The first outcome for a (decision, action) pair is learned exactly once (202). Posting it again answers 200 ' +
    'with `duplicate: true` and the outcome first recorded; nothing is learned twice. An outcome on a decision taken ' +
    'with `activate: false` activates it first; one never activated within the feedback window is a 409.',
  request: {
    params: DecisionIdParams,
    body: { required: true, content: { 'application/json': { schema: FeedbackBody } } },
  },
  responses: {
    202: { description: 'Recorded; will be learned', content: { 'application/json': { schema: FeedbackResponseSchema } } },
    200: { description: 'Already recorded (duplicate)', content: { 'application/json': { schema: FeedbackResponseSchema } } },
    ...problemResponses(400, 404, 409, 413, 415, 422),
  },
});

/** Registers POST /v1/decisions/{decisionId}/feedback: 202 when new, 200 when a duplicate. */
export function registerFeedback(app: KairosApp, deps: RouteDeps): void {
  app.openapi(postFeedback, (c) => {
    const body = c.req.valid('json');
    // The timeout already answered 503 (the body came too late): the client retries, so record nothing now.
    stopIfTimedOut(c);
    const result = deps.services.feedback.record(c.req.valid('param').decisionId, body);
    return result.duplicate ? c.json(result, 200) : c.json(result, 202);
  });
}
