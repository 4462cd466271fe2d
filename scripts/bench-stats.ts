/**
 * Statistics at scale: how long GET /v1/stats takes as the decision log grows, read from the running counts
 * (`action_counts`, kept by triggers) beside the full-log scan the service used before (the same GROUP BY over
 * decision_actions and feedback). Every figure comes from one run on one database, side by side. The log is
 * written in bulk by SQL (each row through the same triggers the service's writes fire), with a one-byte x; every
 * action has all 200 prediction bins filled (model quality's worst case: AUC and calibration read per call).
 * Prints a table, then one JSON line.
 *
 *   npm run bench:stats -- [--decisions 10000000] [--calls 20] [--scan-until 1000000]
 */
import { statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { intOption, openBenchDb } from './lib/bench-app.js';

const HELP = `Usage: npm run bench:stats -- [options]

  --decisions <n>     largest log size measured (default 10000000); sizes 10^4, 10^5, … up to it
  --calls <n>         timed GET /v1/stats calls per size (default 20; the median and max are reported)
  --scan-until <n>    also time the old full-log scan up to this size (default 1000000; it grows linearly)
  -h, --help          show this help`;

const CHANNELS = ['app', 'web', 'email', 'branch', 'call-centre'];

function options() {
  const { values } = parseArgs({
    options: {
      decisions: { type: 'string', default: '10000000' },
      calls: { type: 'string', default: '20' },
      'scan-until': { type: 'string', default: '1000000' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return undefined;
  return {
    decisions: intOption('decisions', values.decisions, 10_000),
    calls: intOption('calls', values.calls, 1),
    scanUntil: intOption('scan-until', values['scan-until'], 0),
  };
}

const OLD_SCAN = `
  SELECT count(*) AS n FROM (
    SELECT da.action_id, d.channel, count(*) FROM decision_actions da JOIN decisions d ON d.id = da.decision_id GROUP BY 1, 2
    UNION ALL
    SELECT f.action_id, d.channel, sum(f.outcome = 'response') FROM feedback f JOIN decisions d ON d.id = f.decision_id GROUP BY 1, 2)`;

async function main(): Promise<void> {
  const opts = options();
  if (!opts) {
    console.log(HELP);
    return;
  }
  const bench = openBenchDb('stats');
  const { db, config } = bench;
  const { engine, app } = bench.appOn();
  const actions = engine.state.actions().map((a) => a.id);
  db.sqlite.exec(`CREATE TEMP TABLE bench_actions (i INTEGER PRIMARY KEY, id TEXT); CREATE TEMP TABLE bench_channels (i INTEGER PRIMARY KEY, id TEXT);`);
  actions.forEach((id, i) => db.sqlite.prepare('INSERT INTO bench_actions VALUES (?, ?)').run(i, id));
  // Model quality's worst case: every action has all 200 prediction bins filled (src/quality/bins.ts), read per call.
  db.sqlite.exec(
    `WITH RECURSIVE b(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM b WHERE n + 1 < 200)
     INSERT INTO prediction_bins (action_id, bin, positives, negatives, predicted)
     SELECT a.id, b.n, 1 + b.n % 7, 10 + b.n % 13, (11 + b.n % 20) * 0.05 FROM bench_actions a, b`,
  );
  CHANNELS.forEach((id, i) => db.sqlite.prepare('INSERT INTO bench_channels VALUES (?, ?)').run(i, id));
  // One chunk of decisions [from, to): one chosen action each, 70 % with an outcome (3 % of them responses).
  const chunk = db.sqlite.transaction((from: number, to: number) => {
    db.sqlite.prepare(
      `WITH RECURSIVE s(n) AS (SELECT ? UNION ALL SELECT n + 1 FROM s WHERE n + 1 < ?)
       INSERT INTO decisions (id, created_at, customer_id, channel, schema_version, x, seed, status)
       SELECT 'b' || n, n, NULL, (SELECT id FROM bench_channels WHERE i = n % ${CHANNELS.length}), 1, x'00', '1',
              CASE WHEN n % 10 < 7 THEN 'closed' ELSE 'pending' END FROM s`,
    ).run(from, to);
    db.sqlite.prepare(
      `INSERT INTO decision_actions (decision_id, action_id, slot, propensity, sampled_propensity, priority, probability)
       SELECT id, (SELECT id FROM bench_actions WHERE i = created_at % ${actions.length}), 0, 0.05, 0.05, 1, 0.5
       FROM decisions WHERE created_at >= ? AND created_at < ?`,
    ).run(from, to);
    db.sqlite.prepare(
      `INSERT INTO feedback (decision_id, action_id, outcome, reward, created_at, source)
       SELECT da.decision_id, da.action_id, CASE WHEN d.created_at % 100 < 3 THEN 'response' ELSE 'ignore' END, NULL, d.created_at, 'client'
       FROM decisions d JOIN decision_actions da ON da.decision_id = d.id
       WHERE d.created_at >= ? AND d.created_at < ? AND d.status = 'closed'`,
    ).run(from, to);
  });

  const rows: Record<string, number | string | null>[] = [];
  let written = 0;
  const fillStart = performance.now();
  for (let size = 10_000; size <= opts.decisions; size *= 10) {
    while (written < size) {
      const to = Math.min(size, written + 200_000);
      chunk(written, to);
      written = to;
      process.stderr.write(`\rwriting the log: ${written.toLocaleString('en-US')} decisions`);
    }
    process.stderr.write('\n');
    const times: number[] = [];
    for (let i = 0; i < opts.calls; i++) {
      const t0 = performance.now();
      const res = await app.request('/v1/stats');
      await res.json();
      times.push(performance.now() - t0);
      if (res.status !== 200) throw new Error(`GET /v1/stats answered ${res.status}`);
    }
    times.sort((a, b) => a - b);
    let scanMs: number | null = null;
    if (size <= opts.scanUntil) {
      const t0 = performance.now();
      db.sqlite.prepare(OLD_SCAN).get();
      scanMs = performance.now() - t0;
    }
    const totals = (engine.services.stats.all().totals as { decisions: number }).decisions;
    if (totals !== size) throw new Error(`stats count ${totals} decisions, the log holds ${size}`);
    rows.push({
      decisions: size,
      statsMedianMs: Math.round(times[Math.floor(times.length / 2)]! * 100) / 100,
      statsMaxMs: Math.round(times[times.length - 1]! * 100) / 100,
      oldScanMs: scanMs === null ? null : Math.round(scanMs),
      dbMiB: Math.round(statSync(config.dbFile).size / 1024 ** 2),
    });
  }
  const fillSeconds = (performance.now() - fillStart) / 1000;
  console.log(`GET /v1/stats over ${actions.length} actions × ${CHANNELS.length} channels (median and max of ${opts.calls} calls)`);
  console.log('decisions      stats median   stats max   old full-log scan   database');
  for (const r of rows) {
    console.log(
      `${String(r.decisions).padStart(10)}   ${String(r.statsMedianMs).padStart(9)} ms  ${String(r.statsMaxMs).padStart(7)} ms   ${(r.oldScanMs === null ? '-' : `${r.oldScanMs} ms`).padStart(14)}   ${String(r.dbMiB).padStart(6)} MiB`,
    );
  }
  console.log(JSON.stringify({ bench: 'stats', node: process.version, options: opts, fillSeconds: Math.round(fillSeconds), results: rows }));
  await engine.close();
  bench.cleanup();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
