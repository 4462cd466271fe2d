/**
 * 415 for a request body in a content coding the service does not decode (gzip, br, deflate, zstd…): without this
 * the compressed bytes reach the JSON parser and answer a misleading 400. The answer carries
 * `Accept-Encoding: identity`, as RFC 7694 §3 asks of a server that refuses a coding.
 */
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../env.js';
import { problem } from '../problem.js';

export function rejectContentEncoding(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const coding = c.req.header('content-encoding');
    if (coding === undefined || coding.trim().toLowerCase() === 'identity' || coding.trim() === '') return next();
    c.header('accept-encoding', 'identity');
    return problem(c, 'unsupported_media_type', `content-encoding '${coding.slice(0, 64)}' is not supported; send the body uncompressed`, [
      { field: 'content-encoding', message: 'only identity (an uncompressed body) is accepted' },
    ]);
  };
}
