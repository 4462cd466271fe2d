/**
 * A request not answered within `timeoutMs` answers 503 problem+json with Retry-After. Only waits can be cut short
 * (a body still arriving, a commit, a queue). The context's `timedOut` flag is set first, so a handler whose body
 * arrives after the 503 returns without acting (the client was told to retry); work already started inside the
 * service may still complete — a feedback retried then answers 200 `duplicate`, a decision left unanswered expires
 * as an ignore like any other.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { AppError } from '../../errors.js';
import type { AppEnv } from '../env.js';
import { problem } from '../problem.js';

const TIMED_OUT = Symbol('timed out');

export function requestTimeout(timeoutMs: number, retryAfterSeconds: number): MiddlewareHandler<AppEnv> {
  const retryAfter = String(retryAfterSeconds);
  return async (c, next) => {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<typeof TIMED_OUT>((resolve) => {
      timer = setTimeout(resolve, timeoutMs, TIMED_OUT);
    });
    try {
      const outcome = await Promise.race([next(), deadline]);
      if (outcome !== TIMED_OUT) return;
    } finally {
      clearTimeout(timer);
    }
    c.set('timedOut', true);
    c.header('retry-after', retryAfter);
    return problem(c, 'unavailable', `no answer within ${timeoutMs} ms; retry after ${retryAfter} s`);
  };
}

/**
 * Called by a handler right after its body is validated: once the timeout has answered 503 the client will retry, so
 * the handler must not act on this copy. Throws (the answer is discarded: the client has its 503 already).
 */
export function stopIfTimedOut(c: Context<AppEnv>): void {
  if (c.get('timedOut')) throw new AppError('unavailable', 'the request timed out before its body arrived');
}
