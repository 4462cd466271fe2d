/**
 * Load shedding: past `maxInflight` requests in flight, a request answers 503 problem+json with Retry-After at once,
 * before its body is read or validated, so an overloaded service spends microseconds on what it refuses and keeps
 * its latency for what it accepts. `exempt` paths (the health probes) are neither counted nor refused.
 *
 * What "in flight" means here: a request counts from its arrival until the event loop next turns after its answer
 * (the release runs in setImmediate, the check phase that follows the poll phase). Counting only until the answer
 * measures nothing for a synchronous handler: it runs to completion inside the I/O callback that read the request,
 * so under 500 connections the naive count never exceeded 1 (measured) while requests queued unseen in the sockets.
 * Counted until the turn ends, it is the number of requests the service took on since it last came up for air,
 * plus any still waiting on I/O (a body still arriving, a commit) — which is what grows when it falls behind.
 *
 * Refused requests are not logged one by one (a line each would make the overload worse); `onShed` hears how many
 * were refused, at most once a second.
 */
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../env.js';
import { problem } from '../problem.js';

export interface InflightLimitOptions {
  maxInflight: number;
  /** Seconds a refused client is asked to wait (the Retry-After header). */
  retryAfterSeconds: number;
  /** Paths that are never counted nor refused, e.g. /healthz. */
  exempt: readonly string[];
  /** Requests refused since the last call, reported at most once per `reportIntervalMs`. */
  onShed?: (refused: number) => void;
  reportIntervalMs?: number;
}

export interface InflightLimit {
  middleware: MiddlewareHandler<AppEnv>;
  /** Requests counted as in flight now. */
  inflight(): number;
}

export function createInflightLimit(options: InflightLimitOptions): InflightLimit {
  const { maxInflight, onShed } = options;
  const exempt = new Set(options.exempt);
  const retryAfter = String(options.retryAfterSeconds);
  const reportIntervalMs = options.reportIntervalMs ?? 1_000;
  const detail = `the service is at its limit of ${maxInflight} requests in flight; retry after ${retryAfter} s`;
  let inflight = 0;
  let finishedThisTurn = 0;
  let releaseScheduled = false;
  let refused = 0;
  let lastReport = 0;

  const release = (): void => {
    inflight -= finishedThisTurn;
    finishedThisTurn = 0;
    releaseScheduled = false;
  };
  const finished = (): void => {
    finishedThisTurn += 1;
    if (!releaseScheduled) {
      releaseScheduled = true;
      setImmediate(release);
    }
  };
  const shed = (): void => {
    refused += 1;
    if (!onShed) return;
    const now = Date.now();
    if (now - lastReport < reportIntervalMs) return;
    lastReport = now;
    const count = refused;
    refused = 0;
    onShed(count);
  };

  const middleware: MiddlewareHandler<AppEnv> = async (c, next) => {
    if (exempt.has(c.req.path)) return next();
    if (inflight >= maxInflight) {
      shed();
      c.set('shed', true);
      c.header('retry-after', retryAfter);
      return problem(c, 'unavailable', detail);
    }
    inflight += 1;
    try {
      await next();
    } finally {
      finished();
    }
  };
  return { middleware, inflight: () => inflight };
}
