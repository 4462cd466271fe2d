/**
 * POST /v1/keys (create; the key is in this answer and nowhere else, ever), GET /v1/keys (list, no secrets) and
 * DELETE /v1/keys/{keyId} (revoke: 204, again 204 for a key already revoked, 404 for an unknown id). Ops only
 * (src/http/access/route-roles.ts). A revocation holds in this process at once and in every other within 1 s.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { KEY_NAME_PATTERN, KEY_NAME_RULE, ROLES } from '../access/keys.js';
import type { KairosApp, RouteDeps } from './env.js';
import { problemResponses } from './schemas.js';

const isoTime = z.string().openapi({ format: 'date-time' });
const role = z.enum(ROLES).openapi({ description: 'app: decisions and feedback; analyst: every read; ops: everything' });

const KeyIdParams = z.object({
  keyId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1–64 characters of A–Z, a–z, 0–9, _ -')
    .openapi({ param: { name: 'keyId', in: 'path' }, example: 'key_Zm9vYmFyYmF6cXV4' }),
});

const CreateKeyBody = z
  .strictObject({
    name: z
      .string()
      .regex(KEY_NAME_PATTERN, KEY_NAME_RULE)
      .openapi({ example: 'web' }),
    role,
  })
  .openapi('CreateKeyRequest');

const keyShape = {
  keyId: z.string(),
  name: z.string(),
  role,
  prefix: z.string().openapi({ description: 'The first 12 characters of the key, to tell keys apart', example: 'kairos_3q2Xy' }),
  createdAt: isoTime,
};

const ApiKeySchema = z.object({ ...keyShape, revokedAt: isoTime.nullable() }).openapi('ApiKey');
const CreatedKeySchema = z
  .object({ ...keyShape, key: z.string().openapi({ description: 'The key itself: shown only in this answer, store it now' }) })
  .openapi('CreatedApiKey');

const createKey = createRoute({
  method: 'post',
  path: '/v1/keys',
  tags: ['keys'],
  summary: 'Create an API key',
  description: 'The answer holds the key itself (`key`); it is stored only as a SHA-256 hash and is never shown again.',
  request: { body: { required: true, content: { 'application/json': { schema: CreateKeyBody } } } },
  responses: {
    201: { description: 'Created', content: { 'application/json': { schema: CreatedKeySchema } } },
    ...problemResponses(400, 413, 415),
  },
});

const listKeys = createRoute({
  method: 'get',
  path: '/v1/keys',
  tags: ['keys'],
  summary: 'Every API key, active and revoked, oldest first (no secrets)',
  responses: { 200: { description: 'The keys', content: { 'application/json': { schema: z.array(ApiKeySchema) } } } },
});

const revokeKey = createRoute({
  method: 'delete',
  path: '/v1/keys/{keyId}',
  tags: ['keys'],
  summary: 'Revoke an API key',
  description: 'Revoking a key already revoked answers 204 again and keeps the first revocation time.',
  request: { params: KeyIdParams },
  responses: { 204: { description: 'Revoked' }, ...problemResponses(400, 404) },
});

/** Registers POST /v1/keys, GET /v1/keys and DELETE /v1/keys/{keyId}. */
export function registerKeys(app: KairosApp, deps: RouteDeps): void {
  // Key changes are an audit trail: one info line each, naming the key changed and the key that changed it. Not the
  // key's name: it may be personal data (an e-mail address); the key id leads to it in the database.
  app.openapi(createKey, (c) => {
    const { name, role: keyRole } = c.req.valid('json');
    const created = deps.services.keys.create(name, keyRole);
    deps.logger.info(
      { requestId: c.get('requestId'), keyId: created.keyId, role: keyRole, by: c.get('apiKey')?.id ?? null },
      'API key created',
    );
    return c.json(created, 201, { 'cache-control': 'no-store' });
  });
  app.openapi(listKeys, (c) => c.json(deps.services.keys.list(), 200));
  app.openapi(revokeKey, (c) => {
    const revoked = deps.services.keys.revoke(c.req.valid('param').keyId);
    deps.logger.info(
      { requestId: c.get('requestId'), keyId: revoked.keyId, revokedAt: revoked.revokedAt, by: c.get('apiKey')?.id ?? null },
      'API key revoked',
    );
    return c.body(null, 204);
  });
}
