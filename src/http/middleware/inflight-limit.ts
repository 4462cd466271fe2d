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
 * A connection refused a request is then not read for the Retry-After period (its socket is paused once the 503 is
 * written): a client that retries at once waits instead of making the overload worse. This is what keeps fresh
 * connections — an orchestrator's probe among them — answered: Node accepts one new connection per event-loop turn
 * (libuv ≥ 1.45), so the turns must stay short; refusing costs ~0.1 ms a request here, and 500 connections retrying
 * at once made 50 ms turns and probes that waited seconds (measured; with the pause: 50–100 ms).
 *
 * Refused requests are not logged one by one (a line each would make the overload worse); `onShed` hears how many
 * were refused, at most once a second: the first refusal at once, later ones when the second is up.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from '../env.js';
import { problem } from '../problem.js';

export interface InflightLimitOptions {
  maxInflight: number;
  /** Seconds a refused client is asked to wait (the Retry-After header). */
  retryAfterSeconds: number;
  /** Paths that are never counted nor refused, e.g. /healthz. */
  exempt: readonly string[];
  /** Requests refused since the last call, reported at most once per `reportIntervalMs` (a burst's rest at its end). */
  onShed?: (refused: number) => void;
  reportIntervalMs?: number;
}

export interface InflightLimit {
  middleware: MiddlewareHandler<AppEnv>;
  /** Requests counted as in flight now. */
  inflight(): number;
}

/** The Node request and response under @hono/node-server; absent under `app.request()`. */
type NodeBindings = { incoming?: IncomingMessage; outgoing?: ServerResponse } | undefined;

/** Pauses refused connections once their answer is written and resumes them, in batches, `holdMs` later. */
function createConnectionHold(holdMs: number): (c: Context<AppEnv>) => void {
  let batch: { resume(): void }[] | undefined;
  const hold = (socket: { pause(): void; resume(): void }): void => {
    socket.pause();
    if (!batch) {
      const current: { resume(): void }[] = [];
      batch = current;
      setTimeout(() => {
        if (batch === current) batch = undefined;
        for (const held of current) held.resume();
      }, holdMs).unref();
    }
    batch.push(socket);
  };
  return (c) => {
    const env = c.env as NodeBindings;
    const incoming = env?.incoming;
    const socket = incoming?.socket;
    if (!incoming || !socket || !env.outgoing) return;
    // Only once the refused request's unread body has been discarded (the server resumes the socket for that after
    // the answer is written; pausing earlier would stall the discard until it gives up and destroys the socket).
    const holdAfterTurn = (): void => void setImmediate(() => hold(socket));
    env.outgoing.once('finish', () => {
      if (incoming.readableEnded) holdAfterTurn();
      else incoming.once('end', holdAfterTurn);
    });
  };
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
  const holdConnection = createConnectionHold(options.retryAfterSeconds * 1_000);

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
  let pendingReport: NodeJS.Timeout | undefined;
  const report = (): void => {
    clearTimeout(pendingReport);
    pendingReport = undefined;
    lastReport = Date.now();
    const count = refused;
    refused = 0;
    onShed?.(count);
  };
  const shed = (): void => {
    refused += 1;
    if (!onShed) return;
    const wait = lastReport + reportIntervalMs - Date.now();
    if (wait <= 0) return report();
    // Refusals inside the interval are reported when it ends, not held back until the next overload.
    pendingReport ??= setTimeout(report, wait).unref();
  };

  const middleware: MiddlewareHandler<AppEnv> = async (c, next) => {
    if (exempt.has(c.req.path)) return next();
    if (inflight >= maxInflight) {
      shed();
      holdConnection(c);
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
