/**
 * The model and the logs: GET/PUT/DELETE {base}/model, GET {base}/model/properties, DELETE {base}/logs,
 * GET {base}/logs/properties. The model file is Kairos's own (JSON: every action's posterior and features), sent as
 * application/octet-stream as Personalizer did; PUT takes it back as octet-stream or as JSON, byte for byte.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { AppError } from '../../errors.js';
import type { KairosApp, RouteDeps } from '../env.js';
import { stopIfTimedOut } from '../middleware/request-timeout.js';
import { LogsPropertiesSchema, ModelPropertiesSchema, ModelQuery, personalizerErrors } from './schemas.js';

const OCTET_STREAM = 'application/octet-stream';
const ModelFile = z.string().openapi({ type: 'string', format: 'binary' });

/**
 * The media types PUT /model takes. Not declared to zod-openapi as zod JSON bodies (that would parse and re-serialize
 * the file), so the route checks them itself; no content type at all is taken as octet-stream.
 */
function isModelMediaType(contentType: string | undefined): boolean {
  if (contentType === undefined) return true;
  const essence = contentType.split(';')[0]!.trim().toLowerCase();
  return essence === OCTET_STREAM || essence === 'application/json';
}

export function registerModel(app: KairosApp, deps: RouteDeps, base: string): void {
  const pz = () => deps.services.personalizer;

  const getModel = createRoute({
    method: 'get',
    path: `${base}/model`,
    tags: ['personalizer'],
    summary: 'Export the model file',
    request: { query: ModelQuery },
    responses: { 200: { description: 'The model file (JSON content)', content: { [OCTET_STREAM]: { schema: ModelFile } } } },
  });
  app.openapi(getModel, (c) => {
    const file = pz().exportModel();
    return c.body(file as Uint8Array<ArrayBuffer>, 200, { 'content-type': OCTET_STREAM });
  });

  const putModel = createRoute({
    method: 'put',
    path: `${base}/model`,
    tags: ['personalizer'],
    summary: 'Import a model file (as exported by GET /model)',
    request: {
      query: ModelQuery,
      body: { required: true, content: { [OCTET_STREAM]: { schema: ModelFile }, 'application/json': { schema: { type: 'object' } } } },
    },
    responses: { 204: { description: 'Imported' }, ...personalizerErrors(400, 413, 415) },
  });
  app.openapi(putModel, async (c) => {
    if (!isModelMediaType(c.req.header('content-type'))) {
      throw new AppError('unsupported_media_type', 'the model file must be sent as application/octet-stream (or application/json)', [
        { field: 'content-type', message: 'must be application/octet-stream or application/json' },
      ]);
    }
    const file = new Uint8Array(await c.req.arrayBuffer());
    stopIfTimedOut(c);
    pz().importModel(file);
    return c.body(null, 204);
  });

  const deleteModel = createRoute({
    method: 'delete',
    path: `${base}/model`,
    tags: ['personalizer'],
    summary: 'Reset the model: every action back to its prior',
    responses: { 204: { description: 'Reset' } },
  });
  app.openapi(deleteModel, (c) => {
    pz().resetModel();
    return c.body(null, 204);
  });

  const modelProperties = createRoute({
    method: 'get',
    path: `${base}/model/properties`,
    tags: ['personalizer'],
    summary: 'When the model was created and last changed',
    responses: { 200: { description: 'The model properties', content: { 'application/json': { schema: ModelPropertiesSchema } } } },
  });
  app.openapi(modelProperties, (c) => c.json(pz().modelProperties(), 200));

  const deleteLogs = createRoute({
    method: 'delete',
    path: `${base}/logs`,
    tags: ['personalizer'],
    summary: 'Delete the logged events (the model is kept)',
    responses: { 204: { description: 'Deleted' } },
  });
  app.openapi(deleteLogs, (c) => {
    pz().deleteLogs();
    return c.body(null, 204);
  });

  const logProperties = createRoute({
    method: 'get',
    path: `${base}/logs/properties`,
    tags: ['personalizer'],
    summary: 'The date range of the logged events',
    responses: {
      200: { description: 'The logs properties', content: { 'application/json': { schema: LogsPropertiesSchema } } },
      ...personalizerErrors(404),
    },
  });
  app.openapi(logProperties, (c) => c.json(pz().logProperties(), 200));
}
