/** PUT /v1/channels/{channelId} (create or replace), GET /v1/channels, GET /v1/channels/{channelId} (DESIGN.md §8.2). */
import { createRoute } from '@hono/zod-openapi';
import type { KairosApp, RouteDeps } from './env.js';
import { ChannelIdParams, ChannelListSchema, ChannelSchema, PutChannelBody } from './policy-schemas.js';
import { problemResponses } from './schemas.js';

const putChannel = createRoute({
  method: 'put',
  path: '/v1/channels/{channelId}',
  tags: ['channels'],
  summary: 'Declare or replace a channel',
  description:
    'Once any channel is declared, a decision on an undeclared channel is a 422 and an action listing one is a 400. ' +
    '`contactCost` is subtracted from every priority on the channel; `limit` caps contacts per customer per period.',
  request: {
    params: ChannelIdParams,
    body: { required: true, content: { 'application/json': { schema: PutChannelBody } } },
  },
  responses: {
    200: { description: 'Replaced', content: { 'application/json': { schema: ChannelSchema } } },
    201: { description: 'Created', content: { 'application/json': { schema: ChannelSchema } } },
    ...problemResponses(400, 413, 415),
  },
});

const listChannels = createRoute({
  method: 'get',
  path: '/v1/channels',
  tags: ['channels'],
  summary: 'Every declared channel, oldest first',
  responses: { 200: { description: 'The channels', content: { 'application/json': { schema: ChannelListSchema } } } },
});

const getChannel = createRoute({
  method: 'get',
  path: '/v1/channels/{channelId}',
  tags: ['channels'],
  summary: 'One channel',
  request: { params: ChannelIdParams },
  responses: {
    200: { description: 'The channel', content: { 'application/json': { schema: ChannelSchema } } },
    ...problemResponses(400, 404),
  },
});

export function registerChannels(app: KairosApp, deps: RouteDeps): void {
  app.openapi(putChannel, (c) => {
    const { channel, created } = deps.services.policies.putChannel(c.req.valid('param').channelId, c.req.valid('json'));
    return created ? c.json(channel, 201) : c.json(channel, 200);
  });
  app.openapi(listChannels, (c) => c.json(deps.services.policies.listChannels(), 200));
  app.openapi(getChannel, (c) => c.json(deps.services.policies.getChannel(c.req.valid('param').channelId), 200));
}
