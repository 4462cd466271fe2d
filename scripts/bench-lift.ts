/**
 * GET /v1/lift at scale (issue #11 quality bar: ≤ 50 ms at 10⁷ logged decisions): a database holding the hourly
 * aggregates of `--decisions` logged decisions over `--days` days (decision_counts rows written directly, the way the
 * triggers would leave them: 5 channels, the 4 categories and the 4 no-action reasons, both groups, every hour, with
 * a daily traffic cycle), then GET /v1/lift through app.request() for 30- and 90-day windows, with and without the
 * channel and category filters: p50 / p99 over `--calls` calls each (whole days from the day rollup of migration 0005,
 * which its triggers fill as the hour rows are written; the partial edge days from the hour table). Then the known-truth coverage of the intervals
 * (the simulation of test/unit/measurement/lift-coverage.test.ts). Prints a table, then one JSON line.
 *
 *   npm run bench:lift -- [--decisions 10000000] [--days 90] [--calls 50] [--coverage-reps 1000]
 */
import { statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createRng } from '../src/core/rng.js';
import { CATEGORIES, NO_ACTION_REASONS } from '../src/domain/types.js';
import { createSqliteLiftStore } from '../db/stores/lift.js';
import { createLiftService } from '../src/measurement/lift-service.js';
import { intOption, ms, openBenchDb, quantile } from './lib/bench-app.js';
import { liftCoverage, LIFT_SCENARIO } from './lib/lift-simulation.js';

const HELP = `Usage: npm run bench:lift -- [options]

  --decisions <n>       logged decisions the aggregates stand for (default 10000000)
  --days <n>            days of history, every hour filled (default 90)
  --calls <n>           timed GET /v1/lift calls per query (default 50; p50 and p99 reported)
  --coverage-reps <n>   repetitions of the known-truth coverage simulation (default 1000)
  -h, --help            show this help`;

const CHANNELS = ['app', 'web', 'email', 'branch', 'call-centre'];
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const CONTROL_SHARE = 0.02;
const NO_ACTION_SHARE = 0.3;
const COVERAGE_SEED = 20_261_201;

function options() {
  const { values } = parseArgs({
    options: {
      decisions: { type: 'string', default: '10000000' },
      days: { type: 'string', default: '90' },
      calls: { type: 'string', default: '50' },
      'coverage-reps': { type: 'string', default: '1000' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return undefined;
  return {
    decisions: intOption('decisions', values.decisions, 1_000),
    days: intOption('days', values.days, 1),
    calls: intOption('calls', values.calls, 2),
    coverageReps: intOption('coverage-reps', values['coverage-reps'], 0),
  };
}

/** Shares of one (hour, channel, group)'s decisions per (category, no-action reason) cell: they sum to 1. */
function cells(): { category: string; reason: string; share: number }[] {
  const offered = [0.4, 0.25, 0.2, 0.15].map((w, i) => ({ category: CATEGORIES[i]!, reason: '', share: (1 - NO_ACTION_SHARE) * w }));
  const silent = [0.5, 0.2, 0.2, 0.1].map((w, i) => ({ category: '', reason: NO_ACTION_REASONS[i]!, share: NO_ACTION_SHARE * w }));
  return [...offered, ...silent];
}


async function main(): Promise<void> {
  const opts = options();
  if (!opts) {
    console.log(HELP);
    return;
  }
  const bench = openBenchDb('lift', { KAIROS_DEMO: 'false' });
  const { db, config, appOn } = bench;

  // The window ends at the current hour; every hour of `days` days before it holds rows.
  const endHour = Math.floor(Date.now() / HOUR_MS);
  const hours = opts.days * 24;
  const startHour = endHour - hours;
  const rng = createRng(7);
  const insert = db.sqlite.prepare<[number, string, string, string, string, number, number, number, number, number, number]>(
    `INSERT INTO decision_counts (hour, channel, category, "group", no_action_reason, opportunities, contacts, responses, responses_sq, value, value_sq)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const layout = cells();
  // A daily cycle (busy afternoons, quiet nights) normalised so the hours sum to the requested decisions.
  const weight = (h: number) => 1 + 0.8 * Math.sin(((h % 24) - 9) * (Math.PI / 12));
  let weightSum = 0;
  for (let h = 0; h < hours; h++) weightSum += weight(h);
  let written = 0;
  let rows = 0;
  const fillStart = performance.now();
  db.sqlite.transaction(() => {
    for (let h = 0; h < hours; h++) {
      const perChannel = (opts.decisions * weight(h)) / weightSum / CHANNELS.length;
      for (const channel of CHANNELS) {
        for (const group of ['policy', 'control'] as const) {
          const groupShare = group === 'control' ? CONTROL_SHARE : 1 - CONTROL_SHARE;
          const rate = group === 'control' ? 0.02 : 0.03;
          for (const cell of layout) {
            const n = Math.round(perChannel * groupShare * cell.share * (0.9 + 0.2 * rng.nextFloat()));
            if (n === 0) continue;
            const offered = cell.reason === '';
            let responses = 0;
            if (offered) for (let k = 0; k < n; k++) if (rng.nextFloat() < rate) responses += 1;
            const value = responses * (group === 'control' ? 80 : 100);
            insert.run(startHour + h, channel, cell.category, group, cell.reason, n, offered ? n : 0, responses, responses, value, responses * (group === 'control' ? 80 * 80 * 1.5 : 100 * 100 * 1.5));
            written += n;
            rows += 1;
          }
        }
      }
    }
  })();
  const fillSeconds = (performance.now() - fillStart) / 1000;
  db.sqlite.exec('ANALYZE');

  const to = endHour * HOUR_MS;
  const queries = [
    { name: '30 days', days: 30, filter: '' },
    { name: '30 days, channel', days: 30, filter: '&channel=app' },
    { name: '30 days, category', days: 30, filter: '&category=sales' },
    { name: '30 days, both', days: 30, filter: '&channel=web&category=retention' },
    { name: '90 days', days: 90, filter: '' },
    { name: '90 days, channel', days: 90, filter: '&channel=app' },
    { name: '90 days, category', days: 90, filter: '&category=sales' },
  ].filter((q) => q.days <= opts.days);
  const results: Record<string, number | string>[] = [];
  for (const grain of ['day rollup'] as const) {
    const { engine, app } = appOn();
    for (const q of queries) {
      const path = `/v1/lift?from=${to - q.days * DAY_MS}&to=${to}${q.filter}`;
      const times: number[] = [];
      let body: any;
      for (let i = 0; i < opts.calls + 2; i++) {
        const t0 = performance.now();
        const res = await app.request(path);
        body = await res.json();
        const elapsed = performance.now() - t0;
        if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${JSON.stringify(body)}`);
        if (i >= 2) times.push(elapsed); // two warm-up calls (statement preparation, JIT)
      }
      if (q.days === opts.days && q.filter === '') {
        const total = body.policy.opportunities + body.control.opportunities;
        if (total !== written) throw new Error(`the lift counts ${total} opportunities, the aggregates hold ${written}`);
      }
      times.sort((a, b) => a - b);
      results.push({
        grain,
        query: q.name,
        p50Ms: ms(quantile(times, 0.5)),
        p99Ms: ms(quantile(times, 0.99)),
        opportunities: body.policy.opportunities + body.control.opportunities,
        liftResponseRate: Math.round(body.lift.responseRate.estimate * 1000) / 1000,
      });
    }
    await engine.close();
  }

  // Why the day rollup (migration 0005) exists: the same service over the hour table alone, side by side in process
  // (no HTTP), on the unfiltered windows.
  const storeRows: Record<string, number | string>[] = [];
  for (const q of queries.filter((q) => q.filter === '')) {
    for (const [grain, rollup] of [['day rollup', true], ['hour table', false]] as const) {
      const service = createLiftService({ store: createSqliteLiftStore(db, { rollup }), now: () => to, controlShare: LIFT_SCENARIO.controlShare });
      const times: number[] = [];
      for (let i = 0; i < opts.calls + 2; i++) {
        const t0 = performance.now();
        service.lift({ from: to - q.days * DAY_MS, to });
        if (i >= 2) times.push(performance.now() - t0);
      }
      times.sort((a, b) => a - b);
      storeRows.push({ grain, query: q.name, p50Ms: ms(quantile(times, 0.5)), p99Ms: ms(quantile(times, 0.99)) });
    }
  }

  console.log(`GET /v1/lift over the aggregates of ${written.toLocaleString('en-US')} decisions in ${opts.days} days (${rows.toLocaleString('en-US')} decision_counts rows, ${Math.round(statSync(config.dbFile).size / 1024 ** 2)} MiB), p50 / p99 of ${opts.calls} calls`);
  console.log('grain        query                      p50        p99     opportunities   lift (response rate)');
  for (const r of results) {
    console.log(`${String(r.grain).padEnd(12)} ${String(r.query).padEnd(22)} ${String(r.p50Ms).padStart(7)} ms ${String(r.p99Ms).padStart(7)} ms  ${String(r.opportunities).padStart(14)}   ${r.liftResponseRate}`);
  }

  console.log('the lift service in process, day rollup vs the hour table alone:');
  for (const r of storeRows) console.log(`${String(r.grain).padEnd(12)} ${String(r.query).padEnd(22)} ${String(r.p50Ms).padStart(7)} ms ${String(r.p99Ms).padStart(7)} ms`);

  let coverage: ReturnType<typeof liftCoverage> | undefined;
  if (opts.coverageReps > 0) {
    coverage = liftCoverage(LIFT_SCENARIO, opts.coverageReps, COVERAGE_SEED);
    const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
    console.log(
      `lift coverage (95 % intervals, ${opts.coverageReps} simulated logs of ${LIFT_SCENARIO.opportunities.toLocaleString('en-US')} opportunities, ` +
        `control share ${LIFT_SCENARIO.controlShare}, 3 % vs 2 %, seed ${COVERAGE_SEED}): response rate ${pct(coverage.responseRate.coverage)} ` +
        `(missed low ${pct(coverage.responseRate.missedLow)} / high ${pct(coverage.responseRate.missedHigh)}), value per opportunity ` +
        `${pct(coverage.valuePerOpportunity.coverage)} (missed low ${pct(coverage.valuePerOpportunity.missedLow)} / high ${pct(coverage.valuePerOpportunity.missedHigh)})`,
    );
  }
  console.log(
    JSON.stringify({
      bench: 'lift',
      node: process.version,
      options: opts,
      decisions: written,
      rows,
      fillSeconds: Math.round(fillSeconds * 10) / 10,
      results,
      storeComparison: storeRows,
      coverage: coverage && { responseRate: coverage.responseRate, valuePerOpportunity: coverage.valuePerOpportunity, seed: coverage.seed },
    }),
  );
  bench.cleanup();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
