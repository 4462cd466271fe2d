/** PUT/GET /v1/schema: the declared feature schema that turns a context object into the vector x. */
import { createRoute } from '@hono/zod-openapi';
import type { KairosApp, RouteDeps } from './env.js';
import { problemResponses, PutSchemaBody, SchemaPutResponseSchema, SchemaViewSchema } from './schemas.js';

const putSchema = createRoute({
  method: 'put',
  path: '/v1/schema',
  tags: ['schema'],
  summary: 'Declare a new feature schema version',
  description:
    'A schema that differs from the current one writes a new version. Models trained on an older version are not ' +
    'used with the new one: every action starts again from its prior. A schema identical to the current one ' +
    '(same features in the same order, same channels) writes nothing, keeps every model and answers the current ' +
    'version with `unchanged: true`. The encoded dimension is limited by KAIROS_MAX_DIMENSION (400 beyond it).',
  request: { body: { required: true, content: { 'application/json': { schema: PutSchemaBody } } } },
  responses: {
    200: {
      description: 'The schema now in force: a new version, or the current one with `unchanged: true`',
      content: { 'application/json': { schema: SchemaPutResponseSchema } },
    },
    ...problemResponses(400, 413, 415),
  },
});

const getSchema = createRoute({
  method: 'get',
  path: '/v1/schema',
  tags: ['schema'],
  summary: 'The current feature schema',
  responses: {
    200: { description: 'The current schema version', content: { 'application/json': { schema: SchemaViewSchema } } },
  },
});

/** Registers PUT and GET /v1/schema. */
export function registerSchema(app: KairosApp, deps: RouteDeps): void {
  app.openapi(putSchema, (c) => {
    const body = c.req.valid('json');
    return c.json(deps.services.catalog.putSchema(body.features, body.channels, body.contactHistory), 200);
  });
  app.openapi(getSchema, (c) => c.json(deps.services.catalog.getSchema(), 200));
}
