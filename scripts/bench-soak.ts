/**
 * `npm run bench:soak` — the service under sustained load, as ops would run it: the real process (`src/main.ts`,
 * the demo bank) on 127.0.0.1, decisions with their feedback at a fixed total rate for a long time, then an
 * overload phase of many concurrent connections. Every window it prints the server's RSS, the database and WAL
 * sizes and the latency percentiles, then the targets of issue #9 / DESIGN.md §14, then one JSON line.
 *
 * Retention is short (`--retention 2m`) and the feedback window short (1 min), so the database's steady state is
 * reached within the run: decisions without feedback are closed as ignores after a minute and pruned two minutes
 * after they were made, once learned.
 *
 *   npm run bench:soak -- [--duration 600] [--rate 1000] [--overload-seconds 20] [--connections 500]
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { linearRegression } from 'simple-statistics';
import { createRng } from '../src/core/rng.js';
import { DEMO_CHANNELS, DEMO_FEATURES } from '../src/domain/demo-catalog.js';
import { isDirectRun, parseOrUsage, positiveInt, runScript, UsageError } from './lib/args.js';
import { startServer } from './lib/service-process.js';
import { runOverload, runSteady, type WindowCounts } from './soak/load.js';
import { parseArgs } from 'node:util';

const USAGE = `Usage: npm run bench:soak -- [options]

  --duration <s>          steady phase length in seconds (default 600)
  --rate <n>              total requests per second, decisions + feedback (default 1000)
  --window <s>            reporting window in seconds (default 10)
  --warmup <s>            seconds excluded from the RSS slope (default 120, at most half the run)
  --retention <d>         KAIROS_RETENTION of the server (default 2m)
  --overload-seconds <s>  overload phase length (default 20; 0 skips it)
  --connections <n>       concurrent connections of the overload phase (default 500)
  -h, --help              this help`;

const FEEDBACK_SHARE = 0.9;
const targets = { rssSlopeMiBPerMin: 1, walMaxMiB: 64, p99Ms: 10 };

function decisionBodies(n: number): string[] {
  const rng = createRng(7);
  const pick = <T>(values: readonly T[]) => values[rng.nextInt(values.length)]!;
  const setOf = (values: readonly string[], p: number) => values.filter(() => rng.nextFloat() < p);
  const values = (name: string) => (DEMO_FEATURES.find((f) => f.name === name) as { values: string[] }).values;
  return Array.from({ length: n }, (_, i) =>
    JSON.stringify({
      customerId: `soak-${i}`,
      channel: pick(DEMO_CHANNELS),
      context: {
        age: 18 + rng.nextInt(70),
        incomeBand: pick(values('incomeBand')),
        wellbeingSegment: pick(values('wellbeingSegment')),
        products: setOf(values('products'), 0.25),
        lifeEvents: setOf(values('lifeEvents'), 0.05),
        tenureYears: rng.nextInt(40),
        digitalActive: rng.nextFloat() < 0.6,
      },
    }),
  );
}

const mib = (bytes: number) => bytes / 1024 ** 2;
const sizeOf = (file: string) => {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
};
const rssOf = (pid: number) => {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  return Number(/(\d+)/.exec(line ?? '')?.[1] ?? Number.NaN) * 1024;
};
const f = (v: number, digits = 1) => (Number.isFinite(v) ? v.toFixed(digits) : '–');

interface Sample extends WindowCounts {
  atS: number;
  rssMiB: number;
  dbMiB: number;
  walMiB: number;
}

async function soak(argv: string[]): Promise<number> {
  const { values } = parseOrUsage(() =>
    parseArgs({
      args: argv,
      options: {
        duration: { type: 'string' },
        rate: { type: 'string' },
        window: { type: 'string' },
        warmup: { type: 'string' },
        retention: { type: 'string' },
        'overload-seconds': { type: 'string' },
        connections: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }),
  );
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const durationS = positiveInt(values.duration, 'duration', 600);
  const rate = positiveInt(values.rate, 'rate', 1_000);
  const windowS = positiveInt(values.window, 'window', 10);
  const warmupS = Math.min(positiveInt(values.warmup, 'warmup', 120), Math.floor(durationS / 2));
  const overloadS = values['overload-seconds'] === undefined ? 20 : Number(values['overload-seconds']);
  if (!Number.isInteger(overloadS) || overloadS < 0) throw new UsageError('--overload-seconds must be an integer ≥ 0');
  const connections = positiveInt(values.connections, 'connections', 500);
  const retention = values.retention ?? '2m';

  const dataDir = mkdtempSync(join(tmpdir(), 'kairos-soak-'));
  const dbFile = join(dataDir, 'kairos.db');
  const server = await startServer(
    dataDir,
    { LOG_LEVEL: 'info', KAIROS_RETENTION: retention, KAIROS_FEEDBACK_WINDOW: '1m', KAIROS_EXPIRE_INTERVAL: '5s' },
    { keepLogs: false },
  );
  const pid = server.child.pid!;
  try {
    const bodies = decisionBodies(2_000);
    const decisionRate = rate / (1 + FEEDBACK_SHARE);
    process.stderr.write(`soak: ${durationS} s at ${rate} req/s (${f(decisionRate, 0)} decisions/s + feedback), retention ${retention}, ${dataDir}\n`);
    process.stderr.write('   t s   decisions  feedback  non-2xx  errors   p50 ms   p99 ms   max ms   RSS MiB   db MiB  WAL MiB\n');
    const samples: Sample[] = [];
    await runSteady({
      origin: server.url,
      bodies,
      decisionRate,
      feedbackShare: FEEDBACK_SHARE,
      durationMs: durationS * 1_000,
      windowMs: windowS * 1_000,
      connections: 64,
      onWindow: (index, counts) => {
        const sample: Sample = {
          ...counts,
          atS: (index + 1) * windowS,
          rssMiB: mib(rssOf(pid)),
          dbMiB: mib(sizeOf(dbFile)),
          walMiB: mib(sizeOf(`${dbFile}-wal`)),
        };
        // The window that closes after the last request holds only the stragglers: it is printed, not measured.
        if (counts.decisions + counts.feedback === 0) return;
        if (counts.decisions >= 0.5 * decisionRate * windowS) samples.push(sample);
        const non2xx = Object.values(counts.statuses).reduce((a, b) => a + b, 0);
        process.stderr.write(
          `${String(sample.atS).padStart(6)}  ${String(counts.decisions).padStart(10)}  ${String(counts.feedback).padStart(8)}  ${String(non2xx).padStart(7)}  ${String(counts.errors).padStart(6)}  ` +
            `${f(counts.latencyMs.p50, 2).padStart(7)}  ${f(counts.latencyMs.p99, 2).padStart(7)}  ${f(counts.latencyMs.max, 1).padStart(7)}  ` +
            `${f(sample.rssMiB).padStart(8)}  ${f(sample.dbMiB).padStart(7)}  ${f(sample.walMiB).padStart(7)}\n`,
        );
      },
    });
    const overload = overloadS > 0 ? await runOverload(server.url, bodies, connections, overloadS * 1_000) : undefined;

    const afterWarmup = samples.filter((s) => s.atS > warmupS);
    const slope = afterWarmup.length >= 2 ? linearRegression(afterWarmup.map((s) => [s.atS / 60, s.rssMiB])).m : Number.NaN;
    const secondHalf = samples.filter((s) => s.atS > durationS / 2);
    const dbSlope = secondHalf.length >= 2 ? linearRegression(secondHalf.map((s) => [s.atS / 60, s.dbMiB])).m : Number.NaN;
    const walMax = Math.max(...samples.map((s) => s.walMiB));
    const p99After10s = Math.max(...samples.filter((s) => s.atS > 10).map((s) => s.latencyMs.p99));
    const report = {
      bench: 'soak',
      node: process.version,
      durationS,
      rate,
      retention,
      windows: samples.map((s) => ({ atS: s.atS, decisions: s.decisions, feedback: s.feedback, statuses: s.statuses, errors: s.errors, p50: s.latencyMs.p50, p99: s.latencyMs.p99, rssMiB: s.rssMiB, dbMiB: s.dbMiB, walMiB: s.walMiB })),
      overload,
      figures: { rssSlopeMiBPerMin: slope, walMaxMiB: walMax, dbSlopeSecondHalfMiBPerMin: dbSlope, p99After10sMs: p99After10s },
      targets: {
        rssSlope: { target: `≤ ${targets.rssSlopeMiBPerMin} MiB/min after ${warmupS} s`, value: slope, met: slope <= targets.rssSlopeMiBPerMin },
        walMax: { target: `< ${targets.walMaxMiB} MiB`, value: walMax, met: walMax < targets.walMaxMiB },
        p99: { target: `≤ ${targets.p99Ms} ms after 10 s`, value: p99After10s, met: p99After10s <= targets.p99Ms },
        overload: overload
          ? { target: '503s with Retry-After, no timeouts, /healthz always answered', met: (overload.statuses['503'] ?? 0) > 0 && overload.retryAfter === (overload.statuses['503'] ?? 0) && overload.timeouts === 0 && overload.healthz.failed === 0 }
          : undefined,
      },
    };
    const out = process.stdout;
    out.write(`\nRSS slope after ${warmupS} s: ${f(slope, 2)} MiB/min (target ≤ ${targets.rssSlopeMiBPerMin}: ${report.targets.rssSlope.met ? 'met' : 'NOT met'})\n`);
    out.write(`WAL max: ${f(walMax)} MiB (target < ${targets.walMaxMiB}: ${report.targets.walMax.met ? 'met' : 'NOT met'})\n`);
    out.write(`database growth over the second half: ${f(dbSlope, 2)} MiB/min (retention ${retention}); final ${f(samples.at(-1)?.dbMiB ?? Number.NaN)} MiB\n`);
    out.write(`p99 after the first 10 s: ${f(p99After10s, 2)} ms (target ≤ ${targets.p99Ms}: ${report.targets.p99.met ? 'met' : 'NOT met'})\n`);
    if (overload) {
      out.write(
        `overload, ${overload.connections} connections for ${overload.seconds} s: answers ${JSON.stringify(overload.statuses)}, ` +
          `${overload.retryAfter} with Retry-After, ${overload.timeouts} timeouts, ${overload.errors} errors; decision p99 ${f(overload.latencyMs.p99)} ms; ` +
          `/healthz ${overload.healthz.ok}/${overload.healthz.probes} answered, p99 ${f(overload.healthz.latencyMs.p99)} ms, max ${f(overload.healthz.latencyMs.max)} ms ` +
          `(${report.targets.overload!.met ? 'met' : 'NOT met'})\n`,
      );
    }
    out.write(`${JSON.stringify(report)}\n`);
    return 0;
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (isDirectRun(import.meta.url)) {
  runScript({ stdout: process.stdout, stderr: process.stderr }, 'npm run bench:soak -- --help', () => soak(process.argv.slice(2))).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${String(error)}\n`);
      process.exit(1);
    },
  );
}
