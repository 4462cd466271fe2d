/** PUT /v1/contact-policy (replace), GET /v1/contact-policy (DESIGN.md §8.2). */
import { createRoute } from '@hono/zod-openapi';
import type { KairosApp, RouteDeps } from './env.js';
import { ContactPolicySchema } from './policy-schemas.js';
import { problemResponses } from './schemas.js';

const putPolicy = createRoute({
  method: 'put',
  path: '/v1/contact-policy',
  tags: ['channels'],
  summary: 'Replace the contact policy',
  description:
    'Suppression: after `after` outcomes of kind `outcome` for an action (or its category) within `within`, it is not ' +
    'offered to that customer for `for`. Thresholds: propensity and priority floors, a default and per declared channel.',
  request: { body: { required: true, content: { 'application/json': { schema: ContactPolicySchema } } } },
  responses: {
    200: { description: 'The policy now in force', content: { 'application/json': { schema: ContactPolicySchema } } },
    ...problemResponses(400, 413, 415),
  },
});

const getPolicy = createRoute({
  method: 'get',
  path: '/v1/contact-policy',
  tags: ['channels'],
  summary: 'The contact policy ({suppression: [], thresholds: {}} before any PUT)',
  responses: { 200: { description: 'The policy', content: { 'application/json': { schema: ContactPolicySchema } } } },
});

export function registerContactPolicy(app: KairosApp, deps: RouteDeps): void {
  app.openapi(putPolicy, (c) => {
    const body = c.req.valid('json');
    return c.json(deps.services.policies.putContactPolicy({ suppression: body.suppression, thresholds: body.thresholds ?? {} }), 200);
  });
  app.openapi(getPolicy, (c) => c.json(deps.services.policies.getContactPolicy(), 200));
}
