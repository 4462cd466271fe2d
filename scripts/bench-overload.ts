/**
 * Overload benchmark (issue #9, backpressure): a real Kairos server with the demo catalog, POST /v1/decisions from
 * many closed-loop connections at once, and /healthz probed on a fresh connection every 250 ms meanwhile. Reports
 * the answers by status, 503s without Retry-After, client timeouts (10 s), 2xx latency and the probes.
 *
 *   npm run bench:overload -- [--connections 500] [--duration 10]
 *
 * KAIROS_* variables in the environment (e.g. KAIROS_MAX_INFLIGHT=0 to see it without the limit) reach the server.
 * The load runs in a child process (`--load`) so the probe never waits on the load generator's event loop.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { isDirectRun, parseOrUsage, positiveInt } from './lib/args.js';
import { probeUntil, runClosedLoop, type ClosedLoopResult } from './lib/overload.js';
import { startServer } from './lib/service-process.js';

const USAGE = `Usage: npm run bench:overload -- [options]
  --connections <n>   concurrent connections (default 500)
  --duration <s>      seconds of load (default 10)
  --json              print only the final JSON line
  -h, --help          this help
`;

/** A demo-catalog decision (src/domain/demo-catalog.ts). */
export const OVERLOAD_BODY = JSON.stringify({
  channel: 'app',
  context: { age: 41, incomeBand: 'middle', products: ['current_account', 'credit_card'], lifeEvents: [], digitalActive: true },
});
const CLIENT_TIMEOUT_MS = 10_000;
const PROBE_INTERVAL_MS = 250;
const PROBE_TIMEOUT_MS = 5_000;

/** Runs the load in a child process and resolves with its result. */
export function loadInChild(origin: string, connections: number, durationS: number): Promise<ClosedLoopResult> {
  const script = fileURLToPath(import.meta.url);
  const args = ['--import', 'tsx', script, '--load', origin, '--connections', String(connections), '--duration', String(durationS)];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`load generator exited ${code}`));
      resolve(JSON.parse(out.trim().split('\n').at(-1)!) as ClosedLoopResult);
    });
  });
}

async function main(): Promise<void> {
  const { values } = parseOrUsage(() =>
    parseArgs({
      options: {
        connections: { type: 'string' },
        duration: { type: 'string' },
        load: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }),
  );
  if (values.help) return void process.stdout.write(USAGE);
  const connections = positiveInt(values.connections, '--connections', 500);
  const durationS = positiveInt(values.duration, '--duration', 10);
  if (values.load) {
    const result = await runClosedLoop({
      origin: values.load,
      path: '/v1/decisions',
      body: OVERLOAD_BODY,
      connections,
      durationMs: durationS * 1_000,
      timeoutMs: CLIENT_TIMEOUT_MS,
    });
    return void process.stdout.write(`${JSON.stringify(result)}\n`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'kairos-overload-'));
  const server = await startServer(dir, {}, { keepLogs: false });
  try {
    const probe = probeUntil(`${server.url}/healthz`, PROBE_INTERVAL_MS, PROBE_TIMEOUT_MS);
    const load = await loadInChild(server.url, connections, durationS);
    const probes = await probe.stop();
    const result = { connections, durationS, maxInflight: process.env.KAIROS_MAX_INFLIGHT ?? 'default', load, probes };
    if (!values.json) {
      const rate = (n: number) => Math.round(n / durationS).toLocaleString('en');
      console.log(`overload — ${connections} connections, ${durationS} s, KAIROS_MAX_INFLIGHT=${result.maxInflight}`);
      console.log('| figure | value |');
      console.log('| --- | --- |');
      console.log(`| 200 / 503 answers per second | ${rate(load.statuses['200'] ?? 0)} / ${rate(load.statuses['503'] ?? 0)} |`);
      console.log(`| 503 without Retry-After, client timeouts (10 s), errors | ${load.unavailableWithoutRetryAfter}, ${load.timeouts}, ${load.errors} |`);
      console.log(`| 200 latency p50 / p99 / max | ${load.latencyMs.p50.toFixed(1)} / ${load.latencyMs.p99.toFixed(1)} / ${load.latencyMs.max.toFixed(1)} ms |`);
      console.log(`| /healthz probes answered / failed (fresh connection, 5 s timeout) | ${probes.answered} / ${probes.failed} |`);
      console.log(`| /healthz latency p50 / p99 / max | ${probes.latencyMs.p50.toFixed(1)} / ${probes.latencyMs.p99.toFixed(1)} / ${probes.latencyMs.max.toFixed(1)} ms |`);
    }
    console.log(JSON.stringify(result));
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (isDirectRun(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
