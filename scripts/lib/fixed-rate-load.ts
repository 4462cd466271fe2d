/**
 * An open-loop load generator at a fixed request rate, for latency at a given throughput.
 *
 * Why not autocannon's `overallRate`: autocannon rate-limits per connection by letting each connection send
 * back-to-back until it has made its quota for the current second and then pause until the next one, so the
 * whole second's load arrives in a burst at full concurrency (and its coordinated-omission correction uses
 * an expected interval of ⌈1/rate⌉ = 1 ms). Here request i is due at start + i/rate, evenly spaced, and its
 * latency is measured from that due time, so a stalled server is charged for the requests that queued
 * behind it (Tene's "coordinated omission" correction, as in wrk2).
 */
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';

export interface FixedRateOptions {
  /** Origin, e.g. http://127.0.0.1:3000 */
  origin: string;
  path: string;
  /** Request bodies (JSON text), sent in turn. */
  bodies: readonly string[];
  /** Requests per second. */
  rate: number;
  durationMs: number;
  /** Keep-alive connections at most; requests beyond them wait in the agent's queue (and that wait counts). */
  connections: number;
  timeoutMs?: number;
}

export interface LatencySummary {
  /** Milliseconds. */
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

export interface FixedRateResult {
  sent: number;
  completed: number;
  non2xx: number;
  errors: number;
  /** Wall time from the first due time to the last response, seconds. */
  durationS: number;
  /** Completed 2xx responses per second over durationS. */
  achievedRate: number;
  latencyMs: LatencySummary;
}

/** Nearest-rank percentiles of latencies in ms (sorts `values` in place). */
export function summariseLatencies(values: Float64Array): LatencySummary {
  if (values.length === 0) return { p50: Number.NaN, p90: Number.NaN, p99: Number.NaN, max: Number.NaN, mean: Number.NaN };
  values.sort();
  const at = (q: number): number => values[Math.min(values.length - 1, Math.max(0, Math.ceil(q * values.length) - 1))]!;
  let sum = 0;
  for (const v of values) sum += v;
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: values[values.length - 1]!, mean: sum / values.length };
}

/** Sends rate × duration requests, evenly spaced, and resolves when every one has answered or failed. */
export function runFixedRate(options: FixedRateOptions): Promise<FixedRateResult> {
  const { origin, path, bodies, rate, durationMs, connections } = options;
  if (!(rate > 0) || !(durationMs > 0) || bodies.length === 0) throw new RangeError('rate, duration and bodies must be positive');
  const url = new URL(path, origin);
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const total = Math.max(1, Math.round((rate * durationMs) / 1_000));
  const intervalMs = 1_000 / rate;
  const latencies = new Float64Array(total);
  let recorded = 0;
  let sent = 0;
  let settled = 0;
  let non2xx = 0;
  let errors = 0;
  let lastEnd = 0;
  const start = performance.now();

  return new Promise((resolvePromise) => {
    const finishOne = (): void => {
      settled += 1;
      if (settled === total) {
        agent.destroy();
        const durationS = (lastEnd - start) / 1_000;
        const ok = recorded - non2xx;
        resolvePromise({
          sent,
          completed: recorded,
          non2xx,
          errors,
          durationS,
          achievedRate: durationS > 0 ? ok / durationS : 0,
          latencyMs: summariseLatencies(latencies.subarray(0, recorded)),
        });
      }
    };
    const send = (index: number, dueAt: number): void => {
      const body = bodies[index % bodies.length]!;
      let done = false; // a socket error after the response must not count the request twice
      const req = request(url, {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        timeout: options.timeoutMs ?? 10_000,
      }, (res) => {
        res.resume();
        res.on('end', () => {
          if (done) return;
          done = true;
          lastEnd = performance.now();
          latencies[recorded++] = lastEnd - dueAt;
          if ((res.statusCode ?? 0) < 200 || (res.statusCode ?? 0) >= 300) non2xx += 1;
          finishOne();
        });
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', () => {
        if (done) return;
        done = true;
        errors += 1;
        lastEnd = performance.now();
        finishOne();
      });
      req.end(body);
    };
    const pump = (): void => {
      const now = performance.now();
      while (sent < total && start + sent * intervalMs <= now) {
        send(sent, start + sent * intervalMs);
        sent += 1;
      }
      if (sent < total) setTimeout(pump, Math.max(0, start + sent * intervalMs - performance.now()));
    };
    pump();
  });
}
