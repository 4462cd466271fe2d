/**
 * The soak's two loads against a running service.
 *
 * - `runSteady`: open loop. Decision i is due at start + i/rate; each answered decision that chose an action is
 *   followed at once by its feedback (for `feedbackShare` of them; the rest are left to the feedback window).
 *   Every request's latency is measured from its due time (the decision) or its send time (the feedback), so a
 *   stalled server is charged for what queued behind it. Latencies land in the window of their completion.
 * - `runOverload`: closed loop. `connections` clients send decisions back to back for a while, and a separate
 *   probe asks GET /healthz every 200 ms: what a load balancer and a container health check would see.
 */
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { summariseLatencies, type LatencySummary } from '../lib/fixed-rate-load.js';

export interface WindowCounts {
  decisions: number;
  feedback: number;
  /** Answers that were not 2xx, by status. */
  statuses: Record<string, number>;
  /** Transport errors and client timeouts. */
  errors: number;
  latencyMs: LatencySummary;
}

interface Reply {
  status: number;
  body: string;
}

function post(agent: Agent, origin: string, path: string, body: string, timeoutMs: number): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, origin), {
      method: path === '/healthz' ? 'GET' : 'POST',
      agent,
      timeout: timeoutMs,
      headers: path === '/healthz' ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(path === '/healthz' ? undefined : body);
  });
}

class Window {
  decisions = 0;
  feedback = 0;
  errors = 0;
  statuses: Record<string, number> = {};
  latencies: number[] = [];
  close(): WindowCounts {
    return {
      decisions: this.decisions,
      feedback: this.feedback,
      statuses: this.statuses,
      errors: this.errors,
      latencyMs: summariseLatencies(Float64Array.from(this.latencies)),
    };
  }
}

export interface SteadyOptions {
  origin: string;
  /** Decision request bodies, sent in turn. */
  bodies: readonly string[];
  /** Decisions per second (feedback adds about feedbackShare × rate requests per second). */
  decisionRate: number;
  feedbackShare: number;
  durationMs: number;
  windowMs: number;
  connections: number;
  /** Called at the end of each window with its counts (and the caller samples the server then). */
  onWindow: (index: number, counts: WindowCounts) => void;
}

export async function runSteady(options: SteadyOptions): Promise<void> {
  const { origin, bodies, decisionRate, durationMs, windowMs } = options;
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  const total = Math.round((decisionRate * durationMs) / 1_000);
  const interval = 1_000 / decisionRate;
  const start = performance.now();
  let window = new Window();
  let windowIndex = 0;
  const inFlight = new Set<Promise<void>>();
  const track = (p: Promise<void>) => {
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  };
  const record = (w: Window, kind: 'decisions' | 'feedback', began: number, reply: Reply | undefined): void => {
    w[kind] += 1;
    if (!reply) w.errors += 1;
    else if (reply.status < 200 || reply.status >= 300) w.statuses[reply.status] = (w.statuses[reply.status] ?? 0) + 1;
    w.latencies.push(performance.now() - began);
  };
  const one = async (i: number, due: number): Promise<void> => {
    const decision = await post(agent, origin, '/v1/decisions', bodies[i % bodies.length]!, 10_000).catch(() => undefined);
    record(window, 'decisions', due, decision);
    if (!decision || decision.status !== 200 || (i % 100) >= options.feedbackShare * 100) return;
    const answer = JSON.parse(decision.body) as { decisionId: string; actions: { actionId: string }[] };
    if (answer.actions.length === 0) return;
    const outcome = i % 33 === 0 ? 'response' : 'ignore';
    const sent = performance.now();
    const feedback = await post(agent, origin, `/v1/decisions/${answer.decisionId}/feedback`, JSON.stringify({ outcome }), 10_000).catch(() => undefined);
    record(window, 'feedback', sent, feedback);
  };
  const windows = setInterval(() => {
    const closed = window;
    window = new Window();
    options.onWindow(windowIndex++, closed.close());
  }, windowMs);
  try {
    for (let sent = 0; sent < total; ) {
      const now = performance.now();
      while (sent < total && start + sent * interval <= now) {
        track(one(sent, start + sent * interval));
        sent += 1;
      }
      await new Promise((r) => setTimeout(r, Math.max(0, start + sent * interval - performance.now())));
    }
    await Promise.all(inFlight);
  } finally {
    clearInterval(windows);
    agent.destroy();
  }
  options.onWindow(windowIndex, window.close());
}

export interface OverloadResult {
  connections: number;
  seconds: number;
  /** Decision answers by status. */
  statuses: Record<string, number>;
  /** 503 answers that carried Retry-After. */
  retryAfter: number;
  /** Client timeouts (10 s) and transport errors. */
  timeouts: number;
  errors: number;
  latencyMs: LatencySummary;
  healthz: { probes: number; ok: number; failed: number; latencyMs: LatencySummary };
}

export async function runOverload(origin: string, bodies: readonly string[], connections: number, durationMs: number): Promise<OverloadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const probeAgent = new Agent({ keepAlive: true, maxSockets: 1 });
  const statuses: Record<string, number> = {};
  const latencies: number[] = [];
  let retryAfter = 0;
  let timeouts = 0;
  let errors = 0;
  const end = performance.now() + durationMs;
  let next = 0;
  const client = async (): Promise<void> => {
    while (performance.now() < end) {
      const began = performance.now();
      const result = await new Promise<{ status: number; retry: boolean } | 'timeout' | 'error'>((resolve) => {
        const body = bodies[next++ % bodies.length]!;
        const req = request(new URL('/v1/decisions', origin), {
          method: 'POST',
          agent,
          timeout: 10_000,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        }, (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0, retry: res.headers['retry-after'] !== undefined }));
        });
        req.on('timeout', () => {
          req.destroy();
          resolve('timeout');
        });
        req.on('error', () => resolve('error'));
        req.end(body);
      });
      latencies.push(performance.now() - began);
      if (result === 'timeout') timeouts += 1;
      else if (result === 'error') errors += 1;
      else {
        statuses[result.status] = (statuses[result.status] ?? 0) + 1;
        if (result.status === 503 && result.retry) retryAfter += 1;
      }
    }
  };
  const probe = async () => {
    const probeLatencies: number[] = [];
    let ok = 0;
    let failed = 0;
    while (performance.now() < end) {
      const began = performance.now();
      const reply = await post(probeAgent, origin, '/healthz', '', 2_000).catch(() => undefined);
      probeLatencies.push(performance.now() - began);
      if (reply?.status === 200) ok += 1;
      else failed += 1;
      await new Promise((r) => setTimeout(r, 200));
    }
    return { probes: ok + failed, ok, failed, latencyMs: summariseLatencies(Float64Array.from(probeLatencies)) };
  };
  const [healthz] = await Promise.all([probe(), ...Array.from({ length: connections }, client)]);
  agent.destroy();
  probeAgent.destroy();
  return {
    connections,
    seconds: durationMs / 1_000,
    statuses,
    retryAfter,
    timeouts,
    errors,
    latencyMs: summariseLatencies(Float64Array.from(latencies)),
    healthz: healthz as OverloadResult['healthz'],
  };
}
