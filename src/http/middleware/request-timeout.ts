/**
 * A request not answered within `timeoutMs` answers 503 problem+json with Retry-After. Only waits can be cut short
 * (a body still arriving, a commit, a queue); the work already started may still complete after the 503 — a
 * feedback retried then answers 200 `duplicate`, a decision left unanswered expires as an ignore like any other.
 */
import type { MiddlewareHandler } from 'hono';
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
    c.header('retry-after', retryAfter);
    return problem(c, 'unavailable', `no answer within ${timeoutMs} ms; retry after ${retryAfter} s`);
  };
}
