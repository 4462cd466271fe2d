/** GET/PUT {base}/configurations/service and GET/PUT/DELETE {base}/configurations/policy: 200 with the configuration. */
import { createRoute } from '@hono/zod-openapi';
import type { KairosApp, RouteDeps } from '../env.js';
import {
  personalizerErrors,
  PolicyConfigurationSchema,
  ServiceConfigurationResponseSchema,
  ServiceConfigurationSchema,
  ServiceConfigurationUpdateSchema,
} from './schemas.js';

export function registerConfiguration(app: KairosApp, deps: RouteDeps, base: string): void {
  const pz = () => deps.services.personalizer;

  const getService = createRoute({
    method: 'get',
    path: `${base}/configurations/service`,
    tags: ['personalizer'],
    summary: 'The service configuration (and, in Apprentice mode, how the model compares with the baseline)',
    responses: { 200: { description: 'The configuration', content: { 'application/json': { schema: ServiceConfigurationResponseSchema } } } },
  });
  app.openapi(getService, (c) => c.json(pz().serviceConfiguration(), 200));

  const putService = createRoute({
    method: 'put',
    path: `${base}/configurations/service`,
    tags: ['personalizer'],
    summary: 'Update the service configuration',
    description:
      'rewardWaitTime 5 s to 2 days, defaultReward and explorationPercentage in range, logRetentionDays -1 or at ' +
      'least the wait time plus a day. A learningMode change may not come with a change of defaultReward, ' +
      'rewardWaitTime or rewardAggregation (InvalidLearningModeServiceConfiguration).',
    request: { body: { required: true, content: { 'application/json': { schema: ServiceConfigurationUpdateSchema } } } },
    responses: {
      200: { description: 'The configuration now in force', content: { 'application/json': { schema: ServiceConfigurationSchema } } },
      ...personalizerErrors(400, 413, 415),
    },
  });
  app.openapi(putService, (c) => c.json(pz().updateServiceConfiguration(c.req.valid('json')), 200));

  const policyAnswer = { description: 'The policy configuration', content: { 'application/json': { schema: PolicyConfigurationSchema } } };

  const getPolicy = createRoute({
    method: 'get',
    path: `${base}/configurations/policy`,
    tags: ['personalizer'],
    summary: 'The policy configuration (stored and shown; Kairos does not run VW)',
    responses: { 200: policyAnswer },
  });
  app.openapi(getPolicy, (c) => c.json(pz().policy(), 200));

  const putPolicy = createRoute({
    method: 'put',
    path: `${base}/configurations/policy`,
    tags: ['personalizer'],
    summary: 'Store a policy configuration',
    request: { body: { required: true, content: { 'application/json': { schema: PolicyConfigurationSchema } } } },
    responses: { 200: policyAnswer, ...personalizerErrors(400, 413, 415) },
  });
  app.openapi(putPolicy, (c) => c.json(pz().updatePolicy(c.req.valid('json')), 200));

  const deletePolicy = createRoute({
    method: 'delete',
    path: `${base}/configurations/policy`,
    tags: ['personalizer'],
    summary: 'Reset the policy configuration to its default',
    responses: { 200: policyAnswer },
  });
  app.openapi(deletePolicy, (c) => c.json(pz().resetPolicy(), 200));
}
