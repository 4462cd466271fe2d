/**
 * Personalizer-shaped errors (DESIGN.md §11): every answer under /personalizer/ that is not a success is
 * `{error: {code, message, target?}}` with `content-type: application/json; charset=utf-8`, as Azure Personalizer
 * answered, so its clients' error handling (they read `error.code`) works unchanged. The rest of the app keeps
 * problem+json; src/http/problem.ts asks `isPersonalizerPath` and renders through here.
 */
import type { Context } from 'hono';
import type { ErrorCode, FieldProblem } from '../../errors.js';
import type { PersonalizerErrorCode } from '../../personalizer/types.js';

/** Both bases the clients call: the classic client's stable one and the REST client's default. */
export const PERSONALIZER_BASES = ['/personalizer/v1.0', '/personalizer/v1.1-preview.3'] as const;
export const PERSONALIZER_PREFIX = '/personalizer/';
export const PERSONALIZER_CONTENT_TYPE = 'application/json; charset=utf-8';

export function isPersonalizerPath(path: string): boolean {
  return path.startsWith(PERSONALIZER_PREFIX);
}

/** `{base}/model` exactly (not …/model/properties): the route whose body is a model file. */
export function isModelPath(path: string): boolean {
  return PERSONALIZER_BASES.some((base) => path === `${base}/model`);
}

/**
 * Kairos's code → the nearest Personalizer code. The HTTP status stays Kairos's (ERROR_STATUS); conflict and
 * unprocessable have no Personalizer counterpart and no Personalizer route raises them, so they read as BadRequest.
 */
const CODES: Record<ErrorCode, PersonalizerErrorCode> = {
  bad_request: 'BadRequest',
  validation: 'BadRequest',
  unauthorized: 'Unauthorized',
  forbidden: 'Forbidden',
  not_found: 'ResourceNotFound',
  method_not_allowed: 'MethodNotAllowed',
  conflict: 'BadRequest',
  payload_too_large: 'PayloadSizeExceeded',
  unsupported_media_type: 'UnsupportedMediaType',
  unprocessable: 'BadRequest',
  unavailable: 'ServiceUnavailable',
  internal: 'InternalServerError',
};

export function personalizerCodeOf(code: ErrorCode): PersonalizerErrorCode {
  return CODES[code];
}

export interface PersonalizerErrorBody {
  error: { code: PersonalizerErrorCode; message: string; target?: string; details?: { code: string; message: string; target: string }[] };
}

/**
 * The body: `target` is the first field at fault (the path as the client wrote it, e.g. `actions.3.id`); further
 * fields, when there are any, go in `details` as Personalizer's nested errors do.
 */
export function personalizerErrorBody(code: PersonalizerErrorCode, message: string, problems?: readonly FieldProblem[]): PersonalizerErrorBody {
  const error: PersonalizerErrorBody['error'] = { code, message };
  const [first, ...rest] = problems ?? [];
  if (first) error.target = first.field;
  if (rest.length > 0) error.details = rest.map((p) => ({ code, message: p.message, target: p.field }));
  return { error };
}

/** Answers with a Personalizer error; built on the context so headers already set (x-request-id, Allow) are kept. */
export function personalizerError(
  c: Context,
  status: number,
  code: PersonalizerErrorCode,
  message: string,
  problems?: readonly FieldProblem[],
): Response {
  const body = personalizerErrorBody(code, message, problems);
  return c.body(JSON.stringify(body), status as 400, { 'content-type': PERSONALIZER_CONTENT_TYPE });
}
