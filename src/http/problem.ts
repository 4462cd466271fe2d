/**
 * Errors as `application/problem+json` (RFC 9457): `{type, title, status, detail, errors?}`. Every failure leaves
 * the app through `problem()`: AppError from the services, zod validation issues (via the OpenAPIHono
 * `defaultHook`), Hono's HTTPExceptions (malformed JSON 400, media type 415) and unknown errors (500, logged once).
 * Under /personalizer/ the same failures, and the Personalizer service's PersonalizerError, answer in Azure
 * Personalizer's shape instead (src/http/personalizer/errors.ts); every other path is unchanged.
 */
import type { Context, ErrorHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { Logger } from 'pino';
import type { ZodError } from 'zod';
import { AppError, ERROR_STATUS, type ErrorCode, type FieldProblem } from '../errors.js';
import { PersonalizerError } from '../personalizer/types.js';
import type { AppEnv } from './env.js';
import { isPersonalizerPath, personalizerCodeOf, personalizerError } from './personalizer/errors.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
export const PROBLEM_TYPE_BASE = 'https://kairos.dev/problems/';

const TITLES: Record<ErrorCode, string> = {
  bad_request: 'Bad request',
  validation: 'Validation failed',
  unauthorized: 'Unauthorized',
  forbidden: 'Forbidden',
  not_found: 'Not found',
  method_not_allowed: 'Method not allowed',
  conflict: 'Conflict',
  payload_too_large: 'Payload too large',
  unsupported_media_type: 'Unsupported media type',
  unprocessable: 'Unprocessable request',
  unavailable: 'Service unavailable',
  internal: 'Internal server error',
};

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: FieldProblem[];
  [extension: string]: unknown;
}

/** Builds the problem body; `extensions` become extra members (RFC 9457 §3.2). */
export function problemBody(
  code: ErrorCode,
  detail: string,
  errors?: readonly FieldProblem[],
  extensions?: Record<string, unknown>,
): ProblemBody {
  const body: ProblemBody = { type: PROBLEM_TYPE_BASE + code, title: TITLES[code], status: ERROR_STATUS[code], detail };
  if (errors && errors.length > 0) body.errors = [...errors];
  return extensions ? { ...body, ...extensions } : body;
}

/**
 * Answers with a problem; built on the context so headers already set (x-request-id) are kept. Under /personalizer/
 * the same failure is rendered as Azure Personalizer's `{error: {code, message, target}}` (its clients read that).
 */
export function problem(
  c: Context,
  code: ErrorCode,
  detail: string,
  errors?: readonly FieldProblem[],
  extensions?: Record<string, unknown>,
): Response {
  if (isPersonalizerPath(c.req.path)) return personalizerError(c, ERROR_STATUS[code], personalizerCodeOf(code), detail, errors);
  const body = problemBody(code, detail, errors, extensions);
  return c.body(JSON.stringify(body), ERROR_STATUS[code], { 'content-type': PROBLEM_CONTENT_TYPE });
}

/**
 * Zod issues as field problems with dotted paths (`features.2.values`, `context`). An unknown key is reported at
 * its own path; an issue on the whole input is named after the input (`body`, `path`).
 */
export function issuesToProblems(error: ZodError, root: string): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const issue of error.issues) {
    const path = issue.path.map((part) => String(part));
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) problems.push({ field: [...path, key].join('.'), message: 'unknown field' });
      continue;
    }
    problems.push({ field: path.length > 0 ? path.join('.') : root, message: issue.message });
  }
  return problems;
}

const TARGET_NAMES: Record<string, string> = { json: 'body', param: 'path', query: 'query', header: 'headers' };

/** A one-line summary naming the first field, so the detail alone is useful in a log or a terminal. */
export function summarize(what: string, problems: readonly FieldProblem[]): string {
  const first = problems[0];
  if (!first) return `${what} failed validation`;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
  return `${what} failed validation: ${first.field}: ${first.message}${more}`;
}

/** OpenAPIHono `defaultHook`: a failed validation becomes a 400 problem naming each field. */
export function validationHook(
  result: { target: string } & ({ success: true } | { success: false; error: ZodError }),
): void {
  if (result.success) return;
  const root = TARGET_NAMES[result.target] ?? result.target;
  const problems = issuesToProblems(result.error, root);
  throw new AppError('validation', summarize(`the request ${root}`, problems), problems);
}

/** Maps a Hono HTTPException (thrown by its validator, the media-type gate or the body limit) to a problem. */
function httpExceptionProblem(error: HTTPException): { code: ErrorCode; detail: string; errors?: FieldProblem[] } {
  switch (error.status) {
    case 400:
      return /malformed json/i.test(error.message)
        ? { code: 'bad_request', detail: 'malformed JSON in the request body', errors: [{ field: 'body', message: 'not valid JSON (RFC 8259)' }] }
        : { code: 'bad_request', detail: error.message || 'bad request' };
    case 404:
      return { code: 'not_found', detail: error.message || 'not found' };
    case 413:
      return { code: 'payload_too_large', detail: 'the request body is over the size limit', errors: [{ field: 'body', message: 'too large' }] };
    case 415:
      return {
        code: 'unsupported_media_type',
        detail: 'the request body must be JSON (content-type: application/json)',
        errors: [{ field: 'content-type', message: 'must be application/json' }],
      };
    default:
      return { code: error.status >= 500 ? 'internal' : 'bad_request', detail: error.message || 'request failed' };
  }
}

/**
 * The app's error handler. Expected failures answer as problems and are not logged here (the request line records
 * the status); anything else is a 500 logged once at error level with the request id, whose detail leaks nothing.
 */
export function createErrorHandler(logger: Logger): ErrorHandler<AppEnv> {
  return (error, c) => {
    if (error instanceof PersonalizerError) {
      if (error.retryAfterSeconds !== undefined) c.header('Retry-After', String(error.retryAfterSeconds));
      return personalizerError(c, error.status, error.code, error.message, error.target === undefined ? undefined : [{ field: error.target, message: error.message }]);
    }
    if (error instanceof AppError) {
      if (error.retryAfterSeconds !== undefined) c.header('Retry-After', String(error.retryAfterSeconds));
      return problem(c, error.code, error.message, error.errors);
    }
    if (error instanceof HTTPException) {
      const { code, detail, errors } = httpExceptionProblem(error);
      return problem(c, code, detail, errors);
    }
    const requestId = c.get('requestId');
    logger.error({ err: error, requestId, method: c.req.method, path: c.req.path }, 'unhandled error');
    return problem(c, 'internal', `unexpected error; quote request id ${requestId ?? '(none)'} when reporting it`);
  };
}
