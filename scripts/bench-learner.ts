/**
 * Learner benchmark, two figures from DESIGN.md, measured with the service's own engine on a temp SQLite file:
 *
 * 1. posterior updates/s in the Piscina worker pool (d ≈ 40, 50 actions, batches of --batch rows per action),
 *    beside the same folds run inline on the main thread in the same run;
 *    and the cost of KAIROS_CHANGE_DETECTION's test on the learner's thread over the same batches (worst case: every
 *    model sure of itself, so every outcome is tested); and the cost of the prequential scoring (model quality,
 *    src/quality) on the learner's thread over the same batches, with the covariance the pool hands back and without;
 * 2. freshness: decisions made first, then their feedback recorded at a fixed --rate per second (through the services the
 *    HTTP routes call), and the time from each feedback's commit (the moment the 202 would be sent) to the learner
 *    swapping in the posterior that includes it — p50/p95/max.
 *
 *   npm run bench:learner -- [--rate 1000] [--seconds 10] [--batch 500] [--workers 2] [--json]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { openDb } from '../db/open.js';
import { loadConfig } from '../src/config.js';
import { createRng } from '../src/core/rng.js';
import type { FeatureSpec } from '../src/core/encoding.js';
import type { ObservationBatch } from '../src/core/types.js';
import { createEngine } from '../src/engine.js';
import { createChangeWatch } from '../src/learner/change-watch.js';
import { learningPolicyFromConfig, priorPosterior } from '../src/learner/fold.js';
import { createInlineUpdater, type Updater } from '../src/learner/updater.js';
import { inverseFromCholesky } from '../src/core/linalg.js';
import { updatePosterior } from '../src/core/update.js';
import { PredictionTally } from '../src/quality/bins.js';
import { createScoreScratch, predictiveLogit } from '../src/quality/score.js';

const HELP = `Usage: npm run bench:learner -- [options]

  --rate <n>       feedback per second in the freshness phase (default 1000)
  --seconds <s>    duration of the freshness phase (default 10)
  --batch <n>      rows per action per task in the throughput phase (default 500)
  --workers <n>    worker threads (default 2)
  --json           print only the JSON line
  -h, --help       show this help`;

const FEATURES: FeatureSpec[] = [
  ...Array.from({ length: 11 }, (_, i): FeatureSpec => ({ name: `n${i}`, type: 'numeric', mean: 0, std: 1 })),
  { name: 'segment', type: 'categorical', values: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'] },
  { name: 'products', type: 'set', values: Array.from({ length: 12 }, (_, i) => `p${i}`) },
  { name: 'digital', type: 'boolean' },
];
const CHANNELS = ['app', 'web', 'branch', 'call_center', 'email'];
const ACTIONS = 50;

function context(rng: ReturnType<typeof createRng>): Record<string, unknown> {
  const ctx: Record<string, unknown> = {};
  for (let i = 0; i < 11; i++) ctx[`n${i}`] = rng.nextNormal();
  ctx.segment = String.fromCharCode(97 + rng.nextInt(8));
  ctx.products = Array.from({ length: 12 }, (_, i) => `p${i}`).filter(() => rng.nextFloat() < 0.2);
  ctx.digital = rng.nextFloat() < 0.5;
  return ctx;
}

const percentile = (sorted: number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;

/** One batch of `batch` rows per action: a bias, 15 % of the other slots on, 10 % responses. */
function learnerBatches(d: number, batch: number): ObservationBatch[] {
  const rng = createRng(1);
  return Array.from({ length: ACTIONS }, () => {
    const x = new Float64Array(batch * d);
    const y = new Float64Array(batch);
    for (let r = 0; r < batch; r++) {
      x[r * d] = 1;
      for (let j = 1; j < d; j++) x[r * d + j] = rng.nextFloat() < 0.15 ? 1 : 0;
      y[r] = rng.nextFloat() < 0.1 ? 1 : 0;
    }
    return { n: batch, d, x, y };
  });
}

/** Rows/s: `cycle` (one learner cycle over every action's batch) repeated for `seconds`. */
async function rowsPerSecond(rowsPerCycle: number, seconds: number, cycle: () => unknown): Promise<number> {
  let rows = 0;
  const start = performance.now();
  while (performance.now() - start < seconds * 1000) {
    await cycle();
    rows += rowsPerCycle;
  }
  return rows / ((performance.now() - start) / 1000);
}

async function throughput(updater: Updater, d: number, batch: number, seconds: number): Promise<number> {
  const policy = learningPolicyFromConfig({ priorRate: 0.05, forgettingHalfLife: 0, changeDetection: false });
  const post = priorPosterior(policy, 'logistic', d);
  const batches = learnerBatches(d, batch);
  // Every action's batch in parallel, as the learner submits them.
  return rowsPerSecond(ACTIONS * batch, seconds, () =>
    Promise.all(batches.map((b) => updater.fold(post, { ...b, x: b.x.slice(), y: b.y.slice() }))),
  );
}

/** Outcomes/s through the change test (main thread): the same batches against models sure of their weights. */
function changeWatchThroughput(d: number, batch: number, seconds: number): Promise<number> {
  const policy = learningPolicyFromConfig({ priorRate: 0.05, forgettingHalfLife: 0, changeDetection: true });
  const sure = priorPosterior(policy, 'logistic', d);
  sure.precision.fill(0);
  sure.cholPrecision.fill(0);
  for (let j = 0; j < d; j++) {
    sure.precision[j * d + j] = 1e4;
    sure.cholPrecision[j * d + j] = 100;
  }
  const watched = learnerBatches(d, batch).map((b, a) => ({ actionId: `action-${a}`, posterior: sure, batch: b }));
  const watch = createChangeWatch();
  return rowsPerSecond(ACTIONS * batch, seconds, () => watch.test(watched));
}

/**
 * Outcomes/s through the prequential scoring the learner does before each fold (main thread): every row of the same
 * batches scored with a trained model and tallied, with the model's covariance (pool updater) or from its Cholesky
 * factor (inline updater).
 */
function scoringThroughput(d: number, batch: number, seconds: number, withCovariance: boolean): Promise<number> {
  const policy = learningPolicyFromConfig({ priorRate: 0.05, forgettingHalfLife: 0, changeDetection: false });
  const batches = learnerBatches(d, batch);
  const trained = updatePosterior(priorPosterior(policy, 'logistic', d), batches[0]!);
  const cov = new Float64Array(d * d);
  inverseFromCholesky(trained.cholPrecision, d, cov);
  const scratch = createScoreScratch(d);
  const row = new Float64Array(d);
  return rowsPerSecond(ACTIONS * batch, seconds, () => {
    const tally = new PredictionTally();
    batches.forEach((b, a) => {
      for (let r = 0; r < b.n; r++) {
        row.set(b.x.subarray(r * d, (r + 1) * d));
        tally.add(`action-${a}`, predictiveLogit(trained, withCovariance ? cov : undefined, row, scratch), b.y[r] === 1);
      }
    });
    return tally.entries();
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rate: { type: 'string', default: '1000' },
      seconds: { type: 'string', default: '10' },
      batch: { type: 'string', default: '500' },
      workers: { type: 'string', default: '2' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const rate = Number(values.rate);
  const seconds = Number(values.seconds);
  const batch = Number(values.batch);
  const workers = Number(values.workers);
  for (const [name, v] of Object.entries({ rate, seconds, batch, workers })) {
    if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} must be a positive number`);
  }

  const dir = mkdtempSync(join(tmpdir(), 'kairos-bench-learner-'));
  const config = loadConfig({ KAIROS_DATA_DIR: dir, KAIROS_DEMO: 'false', KAIROS_WORKERS: String(workers), LOG_LEVEL: 'silent' }, dir);
  const db = openDb(config.dbFile);
  // Freshness bookkeeping: when each feedback seq was committed, filled by phase 2, emptied as commits apply it.
  const recordedAt = new Map<number, number>();
  const freshness: number[] = [];
  let commits = 0;
  const onCommitted = ({ appliedSeq }: { appliedSeq: number }): void => {
    const now = performance.now();
    commits += 1;
    for (const [s, at] of recordedAt) {
      if (s > appliedSeq) break; // insertion order is seq order
      freshness.push(now - at);
      recordedAt.delete(s);
    }
  };
  const engine = createEngine(db, config, { logger: pino({ level: 'silent' }), updater: 'pool', seed: 1, onCommitted });
  try {
    engine.services.catalog.putSchema(FEATURES, CHANNELS);
    for (let a = 0; a < ACTIONS; a++) engine.services.catalog.putAction(`action-${a}`, { name: `Action ${a}`, category: 'sales', value: 1 + (a % 7) });
    const d = engine.state.encoder().dimension;

    // 1. Update throughput: pool vs inline, same batches.
    const pooled = await throughput(engine.updater, d, batch, Math.min(5, seconds));
    const inline = await throughput(createInlineUpdater(engine.state.policy), d, batch, Math.min(5, seconds));
    const changeWatch = await changeWatchThroughput(d, batch, Math.min(3, seconds));
    const scoringCov = await scoringThroughput(d, batch, Math.min(3, seconds), true);
    const scoringChol = await scoringThroughput(d, batch, Math.min(3, seconds), false);

    // 2. Freshness at a fixed rate.
    const rng = createRng(3);
    let seq = 0;
    engine.start();
    const total = Math.round(rate * seconds);
    // The decisions come first (their cost is the decision path's, measured by bench:http and bench:core); then the
    // feedback arrives at the fixed rate, each outcome committed as the route commits it before its 202.
    const decisions: { decisionId: string; actionId: string }[] = [];
    // Asked in groups of 500 so they share commits (group commit: each answer waits for its batch).
    for (let start = 0; start < total; start += 500) {
      const group = await Promise.all(
        Array.from({ length: Math.min(500, total - start) }, (_, k) =>
          engine.services.decisions.decide({ channel: CHANNELS[(start + k) % CHANNELS.length]!, context: context(rng) }),
        ),
      );
      for (const decision of group) {
        const chosen = decision.actions[0];
        if (chosen) decisions.push({ decisionId: decision.decisionId, actionId: chosen.actionId });
      }
    }
    const started = performance.now();
    const baseSeq = engine.learner.appliedSeq();
    for (let i = 0; i < decisions.length; i++) {
      const due = started + (i * 1000) / rate;
      const wait = due - performance.now();
      // Yield every round, as a server does between requests, so the learner's cycles interleave with the load.
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      else await new Promise((r) => setImmediate(r));
      const { decisionId, actionId } = decisions[i]!;
      engine.services.feedback.record(decisionId, { actionId, outcome: rng.nextFloat() < 0.1 ? 'response' : 'ignore' });
      seq += 1;
      recordedAt.set(baseSeq + seq, performance.now());
    }
    const elapsed = (performance.now() - started) / 1000;
    const deadline = performance.now() + 10_000;
    while (recordedAt.size > 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    freshness.sort((a, b) => a - b);

    const result = {
      bench: 'learner',
      dimension: d,
      actions: ACTIONS,
      workers,
      batchRowsPerAction: batch,
      poolUpdatesPerSec: Math.round(pooled),
      inlineUpdatesPerSec: Math.round(inline),
      changeTestOutcomesPerSec: Math.round(changeWatch),
      qualityScoringOutcomesPerSec: { withCovariance: Math.round(scoringCov), fromCholesky: Math.round(scoringChol) },
      freshness: {
        targetRate: rate,
        achievedRate: Math.round(seq / elapsed),
        feedback: seq,
        unapplied: recordedAt.size,
        commits,
        p50Ms: +percentile(freshness, 0.5).toFixed(1),
        p95Ms: +percentile(freshness, 0.95).toFixed(1),
        maxMs: +(freshness[freshness.length - 1] ?? NaN).toFixed(1),
      },
    };
    if (!values.json) {
      console.log(`learner benchmark — d = ${d}, ${ACTIONS} actions, ${workers} worker threads`);
      console.log('| figure | value | target |');
      console.log('| --- | --- | --- |');
      console.log(`| posterior updates/s, worker pool (batches of ${batch}/action) | ${result.poolUpdatesPerSec.toLocaleString('en')} | ≥ 20,000 |`);
      console.log(`| posterior updates/s, inline on one thread (same batches) | ${result.inlineUpdatesPerSec.toLocaleString('en')} | — |`);
      console.log(`| KAIROS_CHANGE_DETECTION test, outcomes/s on the learner's thread (every outcome tested) | ${result.changeTestOutcomesPerSec.toLocaleString('en')} | — |`);
      console.log(
        `| prequential scoring (model quality), outcomes/s on the learner's thread: with the pool's covariance / from the Cholesky factor | ` +
          `${result.qualityScoringOutcomesPerSec.withCovariance.toLocaleString('en')} / ${result.qualityScoringOutcomesPerSec.fromCholesky.toLocaleString('en')} | — |`,
      );
      console.log(`| freshness at ${result.freshness.achievedRate} feedback/s: p50 / p95 / max | ${result.freshness.p50Ms} / ${result.freshness.p95Ms} / ${result.freshness.maxMs} ms | p95 ≤ 2,000 ms |`);
    }
    console.log(JSON.stringify(result));
  } finally {
    await engine.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
