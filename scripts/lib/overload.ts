/**
 * Overload measurement: a closed-loop load at many connections (each sends its next request as soon as its last is
 * answered, as autocannon does, ignoring Retry-After) and a health probe on a fresh connection each time, the way an
 * orchestrator's probe connects. They must run in different processes: a probe sharing the load generator's event
 * loop measures the generator's own queue, not the server's. Used by `bench:overload` and test/e2e/overload.test.ts.
 */
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { summariseLatencies, type LatencySummary } from './fixed-rate-load.js';

export interface ClosedLoopOptions {
  /** Origin, e.g. http://127.0.0.1:3000 */
  origin: string;
  path: string;
  body: string;
  connections: number;
  durationMs: number;
  /** A request unanswered after this counts as a timeout (and its socket is dropped). */
  timeoutMs: number;
}

export interface ClosedLoopResult {
  requests: number;
  /** Answers by status code. */
  statuses: Record<string, number>;
  /** 503 answers without a Retry-After header. */
  unavailableWithoutRetryAfter: number;
  timeouts: number;
  errors: number;
  /** Latency of 2xx answers, ms. */
  latencyMs: LatencySummary;
}

/** Runs `connections` request loops for `durationMs`; resolves once every loop's last request has ended. */
export async function runClosedLoop(options: ClosedLoopOptions): Promise<ClosedLoopResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  const url = new URL(options.path, options.origin);
  const headers = { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(options.body)) };
  const statuses: Record<string, number> = {};
  const okLatencies: number[] = [];
  let requests = 0;
  let unavailableWithoutRetryAfter = 0;
  let timeouts = 0;
  let errors = 0;
  const end = performance.now() + options.durationMs;

  const once = (): Promise<void> =>
    new Promise((resolve) => {
      const started = performance.now();
      let timedOut = false;
      requests += 1;
      const req = request(url, { method: 'POST', agent, headers }, (res) => {
        const status = res.statusCode ?? 0;
        statuses[status] = (statuses[status] ?? 0) + 1;
        if (status === 503 && res.headers['retry-after'] === undefined) unavailableWithoutRetryAfter += 1;
        res.resume();
        res.once('end', () => {
          if (status >= 200 && status < 300) okLatencies.push(performance.now() - started);
          resolve();
        });
        res.once('error', () => resolve());
      });
      req.setTimeout(options.timeoutMs, () => {
        timedOut = true;
        timeouts += 1;
        req.destroy();
      });
      req.once('error', () => {
        if (!timedOut) errors += 1;
        resolve();
      });
      req.end(options.body);
    });

  const loop = async (): Promise<void> => {
    while (performance.now() < end) await once();
  };
  await Promise.all(Array.from({ length: options.connections }, loop));
  agent.destroy();
  return {
    requests,
    statuses,
    unavailableWithoutRetryAfter,
    timeouts,
    errors,
    latencyMs: summariseLatencies(Float64Array.from(okLatencies)),
  };
}

export interface ProbeResult {
  answered: number;
  failed: number;
  /** Latency of answered probes, ms. */
  latencyMs: LatencySummary;
}

/** GETs `url` on a fresh connection every `intervalMs` until `stop()` resolves; a probe over `timeoutMs` fails. */
export function probeUntil(url: string, intervalMs: number, timeoutMs: number): { stop(): Promise<ProbeResult> } {
  const latencies: number[] = [];
  let failed = 0;
  let stopping = false;
  const probeOnce = (): Promise<void> =>
    new Promise((resolve) => {
      const started = performance.now();
      const req = request(url, { agent: false, timeout: timeoutMs }, (res) => {
        res.resume();
        res.once('end', () => {
          if (res.statusCode === 200) latencies.push(performance.now() - started);
          else failed += 1;
          resolve();
        });
      });
      req.once('timeout', () => req.destroy(new Error('probe timed out')));
      req.once('error', () => {
        failed += 1;
        resolve();
      });
      req.end();
    });
  const running = (async () => {
    while (!stopping) {
      await probeOnce();
      if (!stopping) await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })();
  return {
    async stop() {
      stopping = true;
      await running;
      return { answered: latencies.length, failed, latencyMs: summariseLatencies(Float64Array.from(latencies)) };
    },
  };
}
