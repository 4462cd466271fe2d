/**
 * HTTP benchmark: decisions/s and decision latency of a real Kairos server against a bare Hono JSON echo
 * measured in the same run (DESIGN.md, "Performance figures to hold": ≥ 60 % of the echo's throughput;
 * p99 ≤ 10 ms at 1,000 req/s).
 *
 *   npm run bench:http -- [--duration 10] [--connections 50] [--rate 1000] [--warmup 2] [--json]
 *
 * Phases, each server in its own child process so it never shares an event loop with the load generator:
 *  1. echo: POST /echo with the same bodies as the decisions — autocannon, max throughput, then the fixed rate;
 *  2. kairos: `node --import tsx src/main.ts` on a temp data dir; PUT a schema (d ≈ 40) and 50 actions, then
 *     POST /v1/decisions cycling 1,000 pre-generated contexts — autocannon, max throughput, then the fixed rate;
 *     then, on the same server, POST /personalizer/v1.0/rank with the classic Personalizer client's wire format
 *     (scripts/lib/personalizer-wire.ts: 10 actions, 20 context features) — max throughput — against the echo of
 *     the same bodies measured just before it (skip with --no-personalizer);
 *  3. kairos NBA (skip with --no-nba): a fresh server with the full next-best-action path of scripts/lib/nba-workload.ts
 *     — 10,000 stored customers with life events, declared channels with costs and limits, a contact policy, 10 CEL
 *     eligibility rules, contact-history slots, reasons — and bodies that carry only `customerId` and `channel`.
 * The fixed-rate phases use an open-loop generator (scripts/lib/fixed-rate-load.ts explains why not
 * autocannon's overallRate). Prints a table, then one JSON line (with --json: only the JSON line).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createRng } from '../src/core/rng.js';
import { CATEGORIES } from '../src/domain/types.js';
import { isDirectRun, parseOrUsage, positiveInt, runScript, UsageError } from './lib/args.js';
import { runFixedRate, type LatencySummary } from './lib/fixed-rate-load.js';
import { BENCH_CHANNELS, BENCH_NUMERIC_FEATURES, BENCH_PRODUCTS, BENCH_SEGMENTS } from './lib/bench-bank.js';
import { nbaDecisionBodies, setUpNba } from './lib/nba-workload.js';
import { benchRankBodies, CLASSIC_CONTENT_TYPE, CLASSIC_RANK_PATH } from './lib/personalizer-wire.js';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ACTION_COUNT = 50;
const BODY_COUNT = 1_000;
const READY_TIMEOUT_MS = 60_000;
const RATIO_TARGET = 0.6;
/** DESIGN.md §14: the full NBA path at ≥ 45 % of the echo. */
const NBA_RATIO_TARGET = 0.45;
const P99_TARGET_MS = 10;
/** Issue #12: rank through the classic client's wire format at ≥ 50 % of the echo's throughput. */
const PERSONALIZER_RATIO_TARGET = 0.5;
const PERSONALIZER_ROW = 'personalizer rank (classic wire format, 10 actions, 20 context features)';

const USAGE = `Usage: npm run bench:http -- [options]
  --duration <s>      seconds per measured phase (default 10)
  --connections <n>   concurrent connections for the max-throughput phases (default 50)
  --rate <n>          requests/s of the fixed-rate phases (default 1000)
  --warmup <s>        unmeasured seconds before each max-throughput phase (default 2)
  --no-nba            skip the full next-best-action phases
  --no-personalizer   skip the Personalizer rank phase (and its echo of the same bodies)
  --json              print only the final JSON line
  --cpu-prof <dir>    write the Kairos server's V8 CPU profile (.cpuprofile) into <dir>
  -h, --help          this help
Other KAIROS_* variables in the environment (e.g. KAIROS_PROBABILITY_DRAWS) pass through to the server.
The 1-minute load average before and after is reported: figures taken on a busy machine are not comparable.`;

// ---- autocannon (CommonJS, no bundled types): the slice of its API this script uses --------------------------

interface AutocannonRequest {
  method?: string;
  path?: string;
  body?: string;
  setupRequest?: (request: AutocannonRequest) => AutocannonRequest;
}
interface AutocannonHistogram { average: number; p50: number; p90: number; p99: number; max: number; total: number }
interface AutocannonResult {
  latency: AutocannonHistogram;
  requests: AutocannonHistogram;
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  '2xx': number;
}
type Autocannon = (options: {
  url: string;
  connections: number;
  duration: number;
  method?: string;
  headers?: Record<string, string>;
  requests?: AutocannonRequest[];
}) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

// ---- child processes -----------------------------------------------------------------------------------------

const children = new Set<ChildProcess>();
const tempDirs = new Set<string>();

/** Synchronous, so it also runs from process 'exit' and signal handlers: no child or temp dir outlives the run. */
function cleanUp(): void {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

interface Child {
  proc: ChildProcess;
  /** Last lines of its stderr, for error messages. */
  tail(): string;
  exited: Promise<void>;
}

function startChild(args: string[], env: Record<string, string>): Child {
  const proc = spawn(process.execPath, args, { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  children.add(proc);
  let stderr = '';
  proc.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4_000);
  });
  const exited = new Promise<void>((resolveExit) => proc.once('exit', () => resolveExit()));
  void exited.then(() => children.delete(proc));
  return { proc, tail: () => stderr.trim(), exited };
}

/** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
async function stopChild(child: Child, graceMs = 10_000): Promise<void> {
  if (child.proc.exitCode !== null || child.proc.signalCode !== null) return;
  child.proc.kill('SIGTERM');
  const timer = setTimeout(() => child.proc.kill('SIGKILL'), graceMs);
  await child.exited;
  clearTimeout(timer);
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Polls `url` until it answers 200; fails when the child exits first or after READY_TIMEOUT_MS. */
async function waitUntilHealthy(url: string, child: Child, name: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.proc.exitCode !== null || child.proc.signalCode !== null) {
      throw new Error(`${name} exited (${child.proc.exitCode ?? child.proc.signalCode}) before it was ready:\n${child.tail()}`);
    }
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${name} not healthy at ${url} after ${READY_TIMEOUT_MS} ms:\n${child.tail()}`);
}

async function startEcho(): Promise<{ child: Child; origin: string }> {
  const port = await freePort();
  const child = startChild(['--import', 'tsx', 'scripts/lib/echo-server.ts'], { PORT: String(port), HOST: '127.0.0.1' });
  const origin = `http://127.0.0.1:${port}`;
  await waitUntilHealthy(`${origin}/healthz`, child, 'echo server');
  return { child, origin };
}

async function startKairos(dataDir: string, cpuProfDir?: string): Promise<{ child: Child; origin: string }> {
  const port = await freePort();
  const profiling = cpuProfDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${resolve(cpuProfDir)}`];
  const child = startChild([...profiling, '--import', 'tsx', 'src/main.ts'], {
    PORT: String(port),
    HOST: '127.0.0.1',
    KAIROS_DATA_DIR: dataDir,
    KAIROS_DEMO: 'false',
    LOG_LEVEL: 'warn',
  });
  const origin = `http://127.0.0.1:${port}`;
  await waitUntilHealthy(`${origin}/healthz`, child, 'kairos');
  return { child, origin };
}

// ---- the workload --------------------------------------------------------------------------------------------


/** 8 numeric + categorical of 8 (+other) + set of 12 + 2 booleans + 6 channels (+other) + bias = 39. */
const BENCH_SCHEMA = {
  features: [
    ...BENCH_NUMERIC_FEATURES,
    { name: 'segment', type: 'categorical', values: BENCH_SEGMENTS },
    { name: 'products', type: 'set', values: BENCH_PRODUCTS },
    { name: 'has_app', type: 'boolean' },
    { name: 'recent_complaint', type: 'boolean' },
  ],
  channels: BENCH_CHANNELS,
};

/** 1,000 decision request bodies with varied contexts (seeded: the same every run). */
function decisionBodies(seed: number): string[] {
  const rng = createRng(seed);
  const uniform = (lo: number, hi: number): number => Math.round((lo + (hi - lo) * rng.nextFloat()) * 100) / 100;
  const bodies: string[] = [];
  for (let i = 0; i < BODY_COUNT; i++) {
    const context: Record<string, unknown> = {
      age: uniform(18, 90),
      income: uniform(5_000, 200_000),
      tenure_months: uniform(0, 480),
      balance: uniform(-5_000, 100_000),
      engagement: uniform(0, 1),
      days_since_contact: uniform(0, 365),
      credit_score: uniform(300, 850),
      products_count: rng.nextInt(13),
      segment: BENCH_SEGMENTS[rng.nextInt(BENCH_SEGMENTS.length)],
      products: BENCH_PRODUCTS.filter(() => rng.nextFloat() < 0.3),
      has_app: rng.nextFloat() < 0.6,
      recent_complaint: rng.nextFloat() < 0.1,
    };
    bodies.push(JSON.stringify({ customerId: `bench-${i}`, channel: BENCH_CHANNELS[rng.nextInt(BENCH_CHANNELS.length)], context }));
  }
  return bodies;
}

async function call(origin: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${origin}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} → ${response.status}: ${text}`);
  return JSON.parse(text) as unknown;
}

/** PUTs the schema and ACTION_COUNT actions (all eligible on every channel: the worst case per decision). */
async function setUpCatalog(origin: string): Promise<number> {
  const schema = (await call(origin, 'PUT', '/v1/schema', BENCH_SCHEMA)) as { dimension: number };
  for (let i = 0; i < ACTION_COUNT; i++) {
    const id = `bench-action-${String(i).padStart(2, '0')}`;
    await call(origin, 'PUT', `/v1/actions/${id}`, {
      name: `Bench action ${i}`,
      category: CATEGORIES[i % CATEGORIES.length],
      value: 1 + ((i * 37) % 100),
      channels: [],
    });
  }
  return schema.dimension;
}

// ---- measuring -----------------------------------------------------------------------------------------------

interface PhaseFigures {
  phase: string;
  /** Successful (2xx) responses per second. */
  rps: number;
  latencyMs: LatencySummary;
  non2xx: number;
  errors: number;
}

async function maxThroughput(phase: string, origin: string, path: string, bodies: string[], connections: number,
  durationS: number, warmupS: number, contentType = 'application/json'): Promise<PhaseFigures> {
  let next = 0;
  const requests: AutocannonRequest[] = [{
    method: 'POST',
    path,
    setupRequest: (req) => ({ ...req, body: bodies[next++ % bodies.length]! }),
  }];
  const options = { url: origin, connections, method: 'POST', headers: { 'content-type': contentType }, requests };
  if (warmupS > 0) await autocannon({ ...options, duration: warmupS });
  const result = await autocannon({ ...options, duration: durationS });
  const { p50, p90, p99, max, average } = result.latency;
  return {
    phase,
    rps: result['2xx'] / result.duration,
    latencyMs: { p50, p90, p99, max, mean: average },
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

async function fixedRate(phase: string, origin: string, path: string, bodies: string[], rate: number,
  connections: number, durationS: number): Promise<PhaseFigures> {
  const result = await runFixedRate({ origin, path, bodies, rate, durationMs: durationS * 1_000, connections });
  return { phase, rps: result.achievedRate, latencyMs: result.latencyMs, non2xx: result.non2xx, errors: result.errors };
}

function table(rows: PhaseFigures[]): string {
  const n = (v: number, digits = 2): string => (Number.isFinite(v) ? v.toFixed(digits) : '–');
  const header = ['phase', 'req/s', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'non-2xx', 'errors'];
  const lines = rows.map((r) => [r.phase, n(r.rps, 0), n(r.latencyMs.p50), n(r.latencyMs.p90), n(r.latencyMs.p99),
    n(r.latencyMs.max), String(r.non2xx), String(r.errors)]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const format = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [format(header), widths.map((w) => '-'.repeat(w)).join('  '), ...lines.map(format)].join('\n');
}

async function bench(argv: string[]): Promise<number> {
  const { values } = parseOrUsage(() => parseArgs({
    args: argv,
    options: {
      duration: { type: 'string' },
      connections: { type: 'string' },
      rate: { type: 'string' },
      warmup: { type: 'string' },
      json: { type: 'boolean' },
      'no-nba': { type: 'boolean' },
      'no-personalizer': { type: 'boolean' },
      'cpu-prof': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  }));
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const durationS = positiveInt(values.duration, 'duration', 10);
  const connections = positiveInt(values.connections, 'connections', 50);
  const rate = positiveInt(values.rate, 'rate', 1_000);
  const warmupS = values.warmup === undefined ? 2 : Number(values.warmup);
  if (!Number.isInteger(warmupS) || warmupS < 0) throw new UsageError('--warmup must be an integer ≥ 0');
  const say = (line: string): void => {
    if (!values.json) process.stderr.write(`${line}\n`);
  };

  const loadBefore = loadavg()[0]!;
  const bodies = decisionBodies(20_240_611);
  const dataDir = mkdtempSync(join(tmpdir(), 'kairos-bench-'));
  tempDirs.add(dataDir);
  try {
    say(`echo server: max throughput (${connections} connections, ${durationS} s), then ${rate} req/s`);
    const echo = await startEcho();
    const echoMax = await maxThroughput('echo max', echo.origin, '/echo', bodies, connections, durationS, warmupS);
    const echoFixed = await fixedRate(`echo @${rate}/s`, echo.origin, '/echo', bodies, rate, connections, durationS);
    const personalizer = !values['no-personalizer'];
    const rankBodies = benchRankBodies(20_261_201, BODY_COUNT);
    // The echo stays up (idle) to echo the rank bodies right before the rank phase: on a shared machine the load
    // drifts over a run, and the ratio should compare two neighbouring measurements.
    if (!personalizer) await stopChild(echo.child);

    say(`kairos: schema + ${ACTION_COUNT} actions in ${dataDir}`);
    const kairos = await startKairos(dataDir, values['cpu-prof']);
    const dimension = await setUpCatalog(kairos.origin);
    const probe = (await call(kairos.origin, 'POST', '/v1/decisions', JSON.parse(bodies[0]!))) as { decisionId?: string; actions?: unknown[] };
    if (typeof probe.decisionId !== 'string' || !Array.isArray(probe.actions)) throw new Error(`unexpected decision: ${JSON.stringify(probe)}`);
    say(`kairos: d = ${dimension}; max throughput, then ${rate} req/s`);
    const kairosMax = await maxThroughput('kairos max', kairos.origin, '/v1/decisions', bodies, connections, durationS, warmupS);
    const kairosFixed = await fixedRate(`kairos @${rate}/s`, kairos.origin, '/v1/decisions', bodies, rate, connections, durationS);
    let personalizerMax: PhaseFigures | undefined;
    let echoRank: PhaseFigures | undefined;
    if (personalizer) {
      say('echo server: the rank bodies, max throughput');
      echoRank = await maxThroughput('echo max (rank bodies)', echo.origin, '/echo', rankBodies, connections, durationS, warmupS, CLASSIC_CONTENT_TYPE);
      await stopChild(echo.child);
      const ranked = await fetch(`${kairos.origin}${CLASSIC_RANK_PATH}`, { method: 'POST', headers: { 'content-type': CLASSIC_CONTENT_TYPE }, body: rankBodies[0] });
      if (ranked.status !== 201) throw new Error(`personalizer rank → ${ranked.status}: ${await ranked.text()}`);
      say(`kairos: ${PERSONALIZER_ROW}, max throughput`);
      personalizerMax = await maxThroughput(PERSONALIZER_ROW, kairos.origin, CLASSIC_RANK_PATH, rankBodies, connections, durationS, warmupS, CLASSIC_CONTENT_TYPE);
    }
    await stopChild(kairos.child, 30_000);

    let nba: { max: PhaseFigures; fixed: PhaseFigures; dimension: number } | undefined;
    if (!values['no-nba']) {
      const nbaDir = mkdtempSync(join(tmpdir(), 'kairos-bench-nba-'));
      tempDirs.add(nbaDir);
      say(`kairos NBA: channels, contact policy, 50 actions (10 with CEL rules), 10,000 customers with events in ${nbaDir}`);
      const server = await startKairos(nbaDir, values['cpu-prof']);
      const { dimension: nbaDimension } = await setUpNba((method, path, body) => call(server.origin, method, path, body));
      const nbaBodies = nbaDecisionBodies(20_261_201);
      const first = (await call(server.origin, 'POST', '/v1/decisions', JSON.parse(nbaBodies[0]!))) as { decisionId?: string };
      if (typeof first.decisionId !== 'string') throw new Error(`unexpected NBA decision: ${JSON.stringify(first)}`);
      say(`kairos NBA: d = ${nbaDimension}; max throughput, then ${rate} req/s`);
      const max = await maxThroughput('kairos NBA max', server.origin, '/v1/decisions', nbaBodies, connections, durationS, warmupS);
      const fixed = await fixedRate(`kairos NBA @${rate}/s`, server.origin, '/v1/decisions', nbaBodies, rate, connections, durationS);
      await stopChild(server.child, 30_000);
      nba = { max, fixed, dimension: nbaDimension };
    }

    const ratio = kairosMax.rps / echoMax.rps;
    const nbaRatio = nba ? nba.max.rps / echoMax.rps : undefined;
    // Against the echo of the same bodies (parsing 10 actions with features costs the echo too), and for reference
    // against the echo of the decision bodies.
    const personalizerRatio = personalizerMax && echoRank ? personalizerMax.rps / echoRank.rps : undefined;
    const report = {
      bench: 'http',
      node: process.version,
      durationS,
      connections,
      rate,
      actions: ACTION_COUNT,
      dimension,
      serverEnv: Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('KAIROS_'))),
      cpus: cpus().length,
      loadAverage1m: { before: loadBefore, after: loadavg()[0]! },
      echo: { max: echoMax, fixed: echoFixed },
      kairos: { max: kairosMax, fixed: kairosFixed },
      nba: nba ?? null,
      ratio,
      nbaRatio: nbaRatio ?? null,
      personalizer: personalizerMax && echoRank && personalizerRatio !== undefined
        ? { rank: personalizerMax, echo: echoRank, ratio: personalizerRatio, ratioToDecisionEcho: personalizerMax.rps / echoMax.rps }
        : null,
      targets: {
        ...(personalizerRatio !== undefined
          ? { personalizerRatio: { target: PERSONALIZER_RATIO_TARGET, value: personalizerRatio, met: personalizerRatio >= PERSONALIZER_RATIO_TARGET } }
          : {}),
        ...(nba && nbaRatio !== undefined
          ? {
              nbaRatio: { target: NBA_RATIO_TARGET, value: nbaRatio, met: nbaRatio >= NBA_RATIO_TARGET },
              nbaP99AtRateMs: { target: P99_TARGET_MS, value: nba.fixed.latencyMs.p99, met: nba.fixed.latencyMs.p99 <= P99_TARGET_MS },
            }
          : {}),
        ratio: { target: RATIO_TARGET, value: ratio, met: ratio >= RATIO_TARGET },
        p99AtRateMs: { target: P99_TARGET_MS, value: kairosFixed.latencyMs.p99, met: kairosFixed.latencyMs.p99 <= P99_TARGET_MS },
      },
    };
    if (!values.json) {
      const pzRows = personalizerMax && echoRank ? [echoRank, personalizerMax] : [];
      const rows = nba ? [echoMax, kairosMax, nba.max, ...pzRows, echoFixed, kairosFixed, nba.fixed] : [echoMax, kairosMax, ...pzRows, echoFixed, kairosFixed];
      process.stdout.write(`\n${table(rows)}\n\n`);
      process.stdout.write(`decisions/s ÷ echo req/s = ${ratio.toFixed(3)} (target ≥ ${RATIO_TARGET}: ${report.targets.ratio.met ? 'met' : 'NOT met'})\n`);
      process.stdout.write(`1-minute load average ${loadBefore.toFixed(2)} → ${report.loadAverage1m.after.toFixed(2)} on ${report.cpus} CPUs\n`);
      process.stdout.write(`decision p99 at ${rate} req/s = ${kairosFixed.latencyMs.p99.toFixed(2)} ms (target ≤ ${P99_TARGET_MS} ms: ${report.targets.p99AtRateMs.met ? 'met' : 'NOT met'})\n`);
      if (personalizerMax && personalizerRatio !== undefined) {
        process.stdout.write(`personalizer rank/s ÷ echo req/s of the same bodies = ${personalizerRatio.toFixed(3)} (target ≥ ${PERSONALIZER_RATIO_TARGET}: ${personalizerRatio >= PERSONALIZER_RATIO_TARGET ? 'met' : 'NOT met'}); `);
        process.stdout.write(`÷ echo req/s of the decision bodies = ${(personalizerMax.rps / echoMax.rps).toFixed(3)}\n`);
      }
      if (nba && nbaRatio !== undefined) {
        process.stdout.write(`full NBA path: decisions/s ÷ echo req/s = ${nbaRatio.toFixed(3)} (target ≥ ${NBA_RATIO_TARGET}: ${nbaRatio >= NBA_RATIO_TARGET ? 'met' : 'NOT met'}); `);
        process.stdout.write(`p99 at ${rate} req/s = ${nba.fixed.latencyMs.p99.toFixed(2)} ms (target ≤ ${P99_TARGET_MS} ms: ${nba.fixed.latencyMs.p99 <= P99_TARGET_MS ? 'met' : 'NOT met'})\n`);
      }
    }
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return 0;
  } finally {
    cleanUp();
  }
}

if (isDirectRun(import.meta.url)) {
  process.on('exit', cleanUp);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      cleanUp();
      process.exit(130);
    });
  }
  const io = { stdout: process.stdout, stderr: process.stderr };
  runScript(io, 'npm run bench:http -- --help', () => bench(process.argv.slice(2))).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${String(error)}\n`);
      process.exit(1);
    },
  );
}
