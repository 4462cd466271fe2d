/**
 * What the encoded dimension d costs the service, to choose KAIROS_MAX_DIMENSION: for each d, an engine on a temp
 * SQLite file with the demo's 22 actions and a schema of d − 7 boolean features (bias + features + the 5 demo
 * channels and `other`), measured through the decision service on this thread:
 *
 * - the first decision after the schema PUT (every action's covariance Λ⁻¹ is computed on first use, O(d³) each);
 * - the steady per-decision cost;
 * - one learner cycle folding one outcome into every action (the service's worker pool, which also inverts each
 *   new posterior's covariance) and committing the 22 models, the longest event-loop stall during it (the commit
 *   writes every model on the decision thread), then the first decision after it;
 * - RSS and V8 heap after the steps.
 * Bounded: at most --decisions decisions per d and one learner cycle. Prints a table, then one JSON line.
 *
 *   npm run bench:dimension -- [--dimensions 43,128,256,512] [--decisions 200]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { openDb } from '../db/open.js';
import { loadConfig } from '../src/config.js';
import { DEMO_ACTIONS, DEMO_CHANNELS } from '../src/domain/demo-catalog.js';
import { createEngine } from '../src/engine.js';
import type { FeatureSpec } from '../src/core/encoding.js';
import { MAX_DIMENSION_RANGE } from '../src/core/limits.js';

const HELP = `Usage: npm run bench:dimension -- [options]

  --dimensions <list>  encoded dimensions to measure, comma-separated (default 43,128,256,512)
  --decisions <n>      steady decisions timed per dimension (default 200)
  -h, --help           show this help`;

/** Slots besides the features: the bias, the 5 demo channels and `channel=other`. */
const FIXED_SLOTS = 1 + DEMO_CHANNELS.length + 1;

interface Row {
  dimension: number;
  firstDecisionMs: number;
  decisionUs: number;
  learnerCycleMs: number;
  /** Longest event-loop delay during the learner cycle (the commit runs on the decision thread). */
  cycleStallMs: number;
  firstAfterCycleMs: number;
  rssMb: number;
  heapMb: number;
}

async function measure(dimension: number, decisions: number): Promise<Row> {
  const dir = mkdtempSync(join(tmpdir(), 'kairos-bench-dim-'));
  const config = loadConfig(
    { KAIROS_DATA_DIR: dir, KAIROS_DEMO: 'false', LOG_LEVEL: 'silent', KAIROS_MAX_DIMENSION: String(MAX_DIMENSION_RANGE.max) },
    dir,
  );
  const db = openDb(config.dbFile);
  const engine = createEngine(db, config, { logger: pino({ level: 'silent' }), updater: 'pool', seed: 1 });
  try {
    const { catalog, decisions: service, feedback } = engine.services;
    const features: FeatureSpec[] = Array.from({ length: dimension - FIXED_SLOTS }, (_, j) => ({ name: `f${j}`, type: 'boolean' }));
    catalog.putSchema(features, [...DEMO_CHANNELS]);
    // Every action on every channel, so each decision scores all 22.
    for (const [id, input] of Object.entries(DEMO_ACTIONS)) catalog.putAction(id, { ...input, channels: [] });
    const context: Record<string, boolean> = {};
    for (let j = 0; j < features.length; j += 5) context[`f${j}`] = true;
    const request = { channel: 'app', context };

    // Timed: the decision's computation (synchronous); its group commit follows in the next event-loop turn and is
    // awaited outside the timing.
    let t = performance.now();
    const first = service.decide(request);
    const firstDecisionMs = performance.now() - t;
    await first;

    t = performance.now();
    const many: Promise<unknown>[] = [];
    for (let i = 0; i < decisions; i++) many.push(service.decide(request));
    const decisionUs = ((performance.now() - t) / decisions) * 1000;
    await Promise.all(many);

    // One outcome for every action, then one learner cycle on the worker pool; twice, the second one measured (the
    // first also starts the worker threads).
    let learnerCycleMs = 0;
    let firstAfterCycleMs = 0;
    let cycleStallMs = 0;
    for (let round = 0; round < 2; round++) {
      for (const actionId of Object.keys(DEMO_ACTIONS)) {
        const decided = await service.decide({ ...request, candidates: [actionId] });
        if (decided.actions.length > 0) feedback.record(decided.decisionId, { outcome: 'response' });
      }
      const delay = monitorEventLoopDelay({ resolution: 1 });
      delay.enable();
      t = performance.now();
      await engine.learner.runOnce();
      learnerCycleMs = performance.now() - t;
      delay.disable();
      // The commit (22 models' precision and factor written in one transaction) runs on this thread.
      cycleStallMs = delay.max / 1e6;
      t = performance.now();
      const after = service.decide(request);
      firstAfterCycleMs = performance.now() - t;
      await after;
    }
    const usage = process.memoryUsage();
    return { dimension, firstDecisionMs, decisionUs, learnerCycleMs, cycleStallMs, firstAfterCycleMs, rssMb: usage.rss / 2 ** 20, heapMb: usage.heapUsed / 2 ** 20 };
  } finally {
    await engine.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      dimensions: { type: 'string', default: '43,128,256,512' },
      decisions: { type: 'string', default: '200' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const dimensions = values.dimensions.split(',').map((raw) => {
    const d = Number(raw);
    if (!Number.isInteger(d) || d <= FIXED_SLOTS || d > MAX_DIMENSION_RANGE.max) throw new Error(`--dimensions: ${raw} is not an integer in ${FIXED_SLOTS + 1}–${MAX_DIMENSION_RANGE.max}`);
    return d;
  });
  const decisions = Number(values.decisions);
  if (!Number.isInteger(decisions) || decisions < 1 || decisions > 100_000) throw new Error('--decisions must be an integer 1–100000');
  console.log(`node ${process.version}, 22 demo actions on every channel, one thread\n`);
  console.log('     d | first decision | per decision | learner cycle (22 outcomes) | longest event-loop stall in it | first decision after it |   RSS | heap');
  const rows: Row[] = [];
  for (const d of dimensions) {
    const row = await measure(d, decisions);
    rows.push(row);
    console.log(
      `${String(d).padStart(6)} | ${row.firstDecisionMs.toFixed(1).padStart(11)} ms | ${row.decisionUs.toFixed(0).padStart(9)} µs | ` +
        `${row.learnerCycleMs.toFixed(1).padStart(24)} ms | ${row.cycleStallMs.toFixed(1).padStart(27)} ms | ${row.firstAfterCycleMs.toFixed(1).padStart(20)} ms | ${row.rssMb.toFixed(0).padStart(3)} MB | ${row.heapMb.toFixed(0)} MB`,
    );
  }
  console.log(JSON.stringify({ bench: 'dimension', rows }));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
