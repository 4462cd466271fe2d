/**
 * Outbound lists: POST /v1/decisions/batch on a real server (src/main.ts as `npm start` runs it, on 127.0.0.1),
 * batches of 1,000 and 10,000 customers on the email channel. `--workload nba` (default): the full next-best-action
 * path of scripts/lib/nba-workload.ts — 10,000 stored customers with life events, declared channels with costs and
 * limits, a contact policy, 10 CEL rules, contact-history slots — and entries that carry only `customerId`.
 * `--workload demo`: the demo bank with a full context in every entry and customers that are not stored. Each size is timed
 * over `--reps` sequential calls after one warm-up call; the figure is customers per second of the median call,
 * measured at the client (the body upload, every decision with its group commit, and the answer's download).
 * Meanwhile a probe sends GET /healthz back to back: its slowest answer shows how long the batch held the event loop
 * (it yields between chunks).
 *
 *   npm run bench:batch -- [--reps 3] [--json]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEMO_FEATURES } from '../src/domain/demo-catalog.js';
import { isDirectRun, parseOrUsage, positiveInt, PROCESS_IO, runScript, UsageError } from './lib/args.js';
import { NBA_CUSTOMER_COUNT, setUpNba } from './lib/nba-workload.js';
import { startServer } from './lib/service-process.js';

const USAGE = `Usage: npm run bench:batch -- [--reps <n>] [--workload nba|demo] [--json]
  --reps <n>        timed calls per batch size after one warm-up call (default 3, at most 10)
  --workload <w>    nba (default: stored customers, the full NBA path) or demo (context in every entry)
  --json       print only the JSON line
`;

const SIZES = [1_000, 10_000] as const;
const CHANNEL = 'email';

/** A deterministic demo-bank customer: every feature of the demo schema set (LCG, so runs compare). */
function customers(count: number, seed: number): { customerId: string; context: Record<string, unknown> }[] {
  let state = seed >>> 0;
  const next = () => ((state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0) / 2 ** 32);
  const pick = <T>(values: readonly T[]) => values[Math.floor(next() * values.length)]!;
  const spec = (name: string) => DEMO_FEATURES.find((f) => f.name === name) as { values: string[] };
  return Array.from({ length: count }, (_, i) => ({
    customerId: `bench-${seed}-${i}`,
    context: {
      age: 18 + Math.floor(next() * 70),
      incomeBand: pick(spec('incomeBand').values),
      wellbeingSegment: pick(spec('wellbeingSegment').values),
      products: spec('products').values.filter(() => next() < 0.25),
      lifeEvents: next() < 0.2 ? [pick(spec('lifeEvents').values)] : [],
      tenureYears: Math.floor(next() * 30),
      digitalActive: next() < 0.6,
    },
  }));
}

interface Call {
  ms: number;
  /** Slowest GET /healthz answered while the batch ran, and how many were answered. */
  probeMaxMs: number;
  probes: number;
  decided: number;
  offered: number;
  problems: number;
}

async function call(url: string, body: string, size: number): Promise<Call> {
  let done = false;
  let probeMaxMs = 0;
  let probes = 0;
  // Sequential probes until the batch is answered (bounded by it: one probe in flight at a time).
  const probing = (async () => {
    while (!done) {
      const sent = performance.now();
      const probe = await fetch(`${url}/healthz`);
      await probe.arrayBuffer();
      probeMaxMs = Math.max(probeMaxMs, performance.now() - sent);
      probes += 1;
    }
  })();
  const start = performance.now();
  const res = await fetch(`${url}/v1/decisions/batch`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
  const text = await res.text();
  const ms = performance.now() - start;
  done = true;
  await probing;
  if (res.status !== 200) throw new Error(`the batch answered ${res.status}: ${text.slice(0, 500)}`);
  const results = (JSON.parse(text) as { results: { decisionId?: string; noAction?: boolean }[] }).results;
  if (results.length !== size) throw new Error(`${results.length} results for ${size} requests`);
  const decided = results.filter((r) => r.decisionId !== undefined);
  return { ms, probeMaxMs, probes, decided: decided.length, offered: decided.filter((r) => r.noAction === false).length, problems: size - decided.length };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function main(argv: string[]): Promise<number> {
  return runScript(PROCESS_IO, 'npm run bench:batch -- --help', async () => {
    const options = { reps: { type: 'string' }, workload: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } as const;
    const { values } = parseOrUsage(() => parseArgs({ args: argv, options, strict: true }));
    if (values.help) {
      process.stdout.write(USAGE);
      return 0;
    }
    const reps = positiveInt(values.reps, 'reps', 3);
    if (reps > 10) throw new UsageError('--reps is at most 10 (the run stays within a minute or two)');
    const workload = values.workload ?? 'nba';
    if (workload !== 'nba' && workload !== 'demo') throw new UsageError('--workload is nba or demo');
    const dir = mkdtempSync(join(tmpdir(), 'kairos-bench-batch-'));
    // Service defaults (learner on, info log: one line per request, so one per batch). startServer reads the
    // listening line, which is at info.
    const server = await startServer(dir, { KAIROS_DEMO: workload === 'demo' ? 'true' : 'false' }, { keepLogs: false });
    if (workload === 'nba') {
      await setUpNba(async (method, path, body) => {
        const res = await fetch(`${server.url}${path}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
        const text = await res.text();
        if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${text}`);
        return JSON.parse(text) as unknown;
      });
    }
    // Stored customers, each call starting further along the list (the email limit is 20 a day: no call hits it).
    const entries = (size: number, seed: number) =>
      workload === 'nba'
        ? Array.from({ length: size }, (_, i) => ({ customerId: `nba-${(seed * 997 + i) % NBA_CUSTOMER_COUNT}` }))
        : customers(size, seed);
    const rows: { size: number; reps: number; medianMs: number; customersPerSecond: number; offeredShare: number; problems: number; healthzMaxMs: number; healthzAnswered: number }[] = [];
    try {
      let seed = 1;
      for (const size of SIZES) {
        await call(server.url, JSON.stringify({ channel: CHANNEL, requests: entries(size, seed++) }), size); // warm-up
        const calls: Call[] = [];
        for (let r = 0; r < reps; r += 1) {
          calls.push(await call(server.url, JSON.stringify({ channel: CHANNEL, requests: entries(size, seed++) }), size));
        }
        const ms = median(calls.map((c) => c.ms));
        const decided = calls.reduce((n, c) => n + c.decided, 0);
        rows.push({
          size,
          reps,
          medianMs: Math.round(ms * 10) / 10,
          customersPerSecond: Math.round(size / (ms / 1_000)),
          offeredShare: decided > 0 ? Math.round((calls.reduce((n, c) => n + c.offered, 0) / decided) * 1_000) / 1_000 : 0,
          problems: calls.reduce((n, c) => n + c.problems, 0),
          healthzMaxMs: Math.round(Math.max(...calls.map((c) => c.probeMaxMs)) * 10) / 10,
          healthzAnswered: calls.reduce((n, c) => n + c.probes, 0),
        });
      }
    } finally {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
    const result = { bench: 'batch', workload, channel: CHANNEL, node: process.version, rows };
    if (!values.json) {
      process.stdout.write(`POST /v1/decisions/batch — real server on 127.0.0.1, ${workload === 'nba' ? 'full NBA path (10,000 stored customers, channels, contact policy, 10 CEL rules)' : 'demo catalog, context in every entry'}, email channel\n`);
      process.stdout.write('  size     reps  median ms  customers/s  offered  problems  /healthz max ms (answered)\n');
      for (const r of rows) {
        process.stdout.write(
          `  ${String(r.size).padStart(6)}  ${String(r.reps).padStart(4)}  ${r.medianMs.toFixed(1).padStart(9)}  ${String(r.customersPerSecond).padStart(11)}  ${r.offeredShare.toFixed(3).padStart(7)}  ${String(r.problems).padStart(8)}  ${r.healthzMaxMs.toFixed(1).padStart(15)} (${r.healthzAnswered})\n`,
        );
      }
    }
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return 0;
  });
}

if (isDirectRun(import.meta.url)) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
