/**
 * `npm run bench:evaluate` — off-policy evaluation replay throughput (DESIGN.md §14: ≥ 10,000 logged decisions/s per
 * candidate). A synthetic log of --decisions one-slot decisions over K actions (default 10 and 50) with d = 40 sparse
 * binary contexts, rewards from a known logistic truth and uniform logged probabilities, is replayed
 *  - in memory (src/evaluation/replay.ts alone: the work per candidate), and
 *  - from a SQLite file through the log reader the evaluation worker uses (evaluate-log.ts + db/stores/evaluations.ts),
 * with 1 and 3 candidates. Prints a table and JSON. Per-candidate rate = decisions × candidates / seconds.
 *
 *   npm run bench:evaluate [-- --decisions 50000 --actions 10,50]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openDb } from '../db/open.js';
import { insertDecisions, type DecisionRecord } from '../db/stores/decisions.js';
import { openLogReader } from '../db/stores/evaluations.js';
import { sigmoid } from '../src/core/logistic.js';
import { createRng } from '../src/core/rng.js';
import { DRAW_CORRELATION } from '../src/core/thompson.js';
import { evaluateLog } from '../src/evaluation/evaluate-log.js';
import { createReplay } from '../src/evaluation/replay.js';
import type { LoggedDecision, PolicySettings, ReplaySetup } from '../src/evaluation/types.js';

const D = 40;
/** Non-zero slots of a context besides the bias (a one-hot- and multi-hot-heavy encoding, as bench:http's). */
const ACTIVE = 12;
const BASELINE: PolicySettings = { priorRate: 0.05, drawCorrelation: DRAW_CORRELATION, minPriority: 0, forgettingHalfLife: 0, changeDetection: false };
const CANDIDATES = [
  { name: 'cold', settings: { ...BASELINE, priorRate: 0.2 } },
  { name: 'independent', settings: { ...BASELINE, drawCorrelation: 0 } },
  { name: 'forgetful', settings: { ...BASELINE, forgettingHalfLife: 500 } },
];

function syntheticLog(n: number, k: number, seed: number): LoggedDecision[] {
  const rng = createRng(seed);
  const theta = Float64Array.from({ length: k * D }, () => 0.5 * rng.nextNormal());
  const ids = Array.from({ length: k }, (_, a) => `a${a}`);
  const t0 = Date.parse('2026-11-01T00:00:00Z');
  const rows: LoggedDecision[] = [];
  for (let t = 0; t < n; t++) {
    const x = new Float64Array(D);
    x[0] = 1;
    for (let j = 0; j < ACTIVE; j++) x[1 + rng.nextInt(D - 1)] = 1;
    const a = rng.nextInt(k);
    let z = -3;
    for (let j = 0; j < D; j++) z += theta[a * D + j]! * x[j]!;
    const response = rng.nextFloat() < sigmoid(z);
    rows.push({
      id: `d${String(t).padStart(8, '0')}`,
      createdAt: t0 + t, // 1,000 decisions/s: learner batches by LEARN_BATCH_ROWS
      channel: 'app',
      schemaVersion: 1,
      x,
      status: 'closed',
      offered: 1,
      value: response ? 1 : 0,
      topAction: ids[a]!,
      topProbability: 1 / k,
      noActionProbability: 0,
      candidates: ids,
      outcomes: [{ actionId: ids[a]!, outcome: response ? 'response' : 'ignore', reward: null, recentIgnores: 0 }],
    });
  }
  return rows;
}

function setupFor(k: number, candidates: number): ReplaySetup {
  return {
    dimension: D,
    schemaVersion: 1,
    actions: Array.from({ length: k }, (_, a) => ({ id: `a${a}`, value: 1, lever: 1, likelihood: 'logistic' as const, mandatory: false })),
    channels: {},
    defaultRule: { propensityThreshold: Number.NEGATIVE_INFINITY, priorityThreshold: null, contactCost: undefined },
    historyIgnoresSlot: null,
    learnerIntervalMs: 250,
    learnerBatchRows: 5_000,
    baseline: BASELINE,
    policies: CANDIDATES.slice(0, candidates),
    seed: 1,
  };
}

interface Row {
  actions: number;
  source: 'memory' | 'sqlite';
  candidates: number;
  decisions: number;
  seconds: number;
  perCandidate: number;
}

function main(): void {
  const { values } = parseArgs({
    options: { decisions: { type: 'string', default: '50000' }, actions: { type: 'string', default: '10,50' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    console.log(`Usage: npm run bench:evaluate -- [options]
  --decisions <n>   logged one-slot decisions in the synthetic log (default 50000)
  --actions <list>  catalog sizes K, comma-separated (default 10,50)
  -h, --help        this help`);
    return;
  }
  const n = Number(values.decisions);
  const sizes = values.actions.split(',').map(Number);
  if (!Number.isInteger(n) || n < 1 || sizes.some((k) => !Number.isInteger(k) || k < 2)) {
    console.error('--decisions must be an integer ≥ 1 and --actions a comma-separated list of integers ≥ 2');
    process.exitCode = 2;
    return;
  }
  const rows: Row[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'kairos-bench-evaluate-'));
  try {
    for (const k of sizes) {
      const log = syntheticLog(n, k, 7);
      for (const candidates of [1, 3]) {
        const started = performance.now();
        const replay = createReplay(setupFor(k, candidates));
        for (let i = 0; i < log.length; i += 2_000) replay.add(log.slice(i, i + 2_000));
        replay.finish();
        const seconds = (performance.now() - started) / 1000;
        rows.push({ actions: k, source: 'memory', candidates, decisions: n, seconds, perCandidate: (n * candidates) / seconds });
      }
      // The same log in SQLite, read in chunks by the worker's reader.
      const file = join(dir, `k${k}.db`);
      const db = openDb(file);
      db.sqlite.prepare(`INSERT INTO feature_schemas (version, features, channels, dimension, created_at) SELECT 1, '[]', '[]', ${D}, 0 WHERE NOT EXISTS (SELECT 1 FROM feature_schemas WHERE version = 1)`).run();
      const records: DecisionRecord[] = log.map((r) => ({
        id: r.id, createdAt: r.createdAt, customerId: null, channel: r.channel, schemaVersion: 1, x: r.x, seed: '1', status: 'closed',
        actions: [{ actionId: r.topAction!, slot: 0, propensity: 0.1, sampledPropensity: 0.1, priority: 0.1, probability: r.topProbability! }],
        noActionProbability: 0, probabilityMethod: 'exact', probabilityDraws: 0, candidates: r.candidates!,
      }));
      for (let i = 0; i < records.length; i += 5_000) insertDecisions(db, records.slice(i, i + 5_000));
      const feedback = db.sqlite.prepare(`INSERT INTO feedback (decision_id, action_id, outcome, reward, created_at, source) VALUES (?, ?, ?, NULL, ?, 'client')`);
      db.sqlite.transaction(() => {
        for (const r of log) feedback.run(r.id, r.topAction, r.outcomes[0]!.outcome, r.createdAt);
      })();
      db.close();
      const reader = openLogReader(file);
      const window = { from: log[0]!.createdAt, to: log[log.length - 1]!.createdAt + 1, channel: null };
      for (const candidates of [1, 3]) {
        const started = performance.now();
        const outcome = evaluateLog(reader, window, setupFor(k, candidates), n);
        const seconds = (performance.now() - started) / 1000;
        if (outcome.evaluated !== n) throw new Error(`evaluated ${outcome.evaluated} of ${n}`);
        rows.push({ actions: k, source: 'sqlite', candidates, decisions: n, seconds, perCandidate: (n * candidates) / seconds });
      }
      reader.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log('| actions | source | candidates | decisions | seconds | decisions/s per candidate |');
  console.log('| ---: | --- | ---: | ---: | ---: | ---: |');
  for (const r of rows) console.log(`| ${r.actions} | ${r.source} | ${r.candidates} | ${r.decisions.toLocaleString('en-US')} | ${r.seconds.toFixed(2)} | ${Math.round(r.perCandidate).toLocaleString('en-US')} |`);
  console.log(`\ntarget: ≥ 10,000 decisions/s per candidate (DESIGN.md §14)\n`);
  console.log(JSON.stringify({ bench: 'evaluate', dimension: D, rows }, null, 2));
}

main();
