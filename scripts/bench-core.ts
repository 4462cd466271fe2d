/**
 * In-process benchmark of the numeric core (single thread): µs per Thompson decision over K actions at
 * dimension d, with and without the Monte Carlo selection probabilities, and logistic / linear posterior
 * updates per second for n = 1 and for batches. Prints a table, then one JSON line with every figure.
 *
 *   npm run bench:core -- [--actions 50] [--dimension 40] [--evidence 200] [--min-seconds 1] [--seed 1]
 */
import { parseArgs } from 'node:util';
import { createPrior, DEFAULT_LOGISTIC_PRIOR } from '../src/core/prior.js';
import { createRng } from '../src/core/rng.js';
import { inverseFromCholesky } from '../src/core/linalg.js';
import { createDecisionScratch, decide } from '../src/core/thompson.js';
import type { Likelihood, ObservationBatch, Posterior, Rng } from '../src/core/types.js';
import { updatePosterior } from '../src/core/update.js';
import { fillContext, randomBatch, randomTruth, withEvidence } from './lib/synthetic-models.js';

const HELP = `Usage: npm run bench:core -- [options]

  --actions <K>        actions per decision (default 50)
  --dimension <d>      encoded context dimension, bias included (default 40)
  --evidence <n>       observations folded into each action's posterior before timing (default 200)
  --min-seconds <s>    minimum time per measurement (default 1)
  --seed <n>           RNG seed (default 1)
  -h, --help           show this help`;

interface Options {
  actions: number;
  dimension: number;
  evidence: number;
  minSeconds: number;
  seed: number;
}

function readOptions(): Options | undefined {
  const { values } = parseArgs({
    options: {
      actions: { type: 'string', default: '50' },
      dimension: { type: 'string', default: '40' },
      evidence: { type: 'string', default: '200' },
      'min-seconds': { type: 'string', default: '1' },
      seed: { type: 'string', default: '1' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return undefined;
  const number = (name: string, raw: string, min: number): number => {
    const value = Number(raw);
    if (!Number.isFinite(value) || value < min) throw new Error(`--${name} must be a number ≥ ${min}, got '${raw}'`);
    return value;
  };
  return {
    actions: Math.floor(number('actions', values.actions, 1)),
    dimension: Math.floor(number('dimension', values.dimension, 2)),
    evidence: Math.floor(number('evidence', values.evidence, 0)),
    minSeconds: number('min-seconds', values['min-seconds'], 0.01),
    seed: Math.floor(number('seed', values.seed, 0)),
  };
}

/**
 * Runs `step` in growing rounds until at least minSeconds of wall time have passed. Returns seconds per call by
 * wall clock and by this process's CPU time (user + system): on a shared machine the CPU figure is the steadier one.
 */
function timePerCall(minSeconds: number, step: () => void): { wall: number; cpu: number } {
  for (let i = 0; i < 20; i++) step(); // warm-up (JIT)
  let calls = 0;
  let rounds = 1;
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  let elapsed = 0;
  while (elapsed < minSeconds * 1000) {
    for (let i = 0; i < rounds; i++) step();
    calls += rounds;
    rounds *= 2;
    elapsed = performance.now() - start;
  }
  const cpu = process.cpuUsage(cpuStart);
  return { wall: elapsed / 1000 / calls, cpu: (cpu.user + cpu.system) / 1e6 / calls };
}

interface Row {
  name: string;
  /** By CPU time of this process. */
  value: number;
  /** By wall clock. */
  wallValue: number;
  unit: string;
}

/** How the service calls decide: covariances cached per model (sparse scoring) and the exact selection probability. */
type DecideMode = 'dense' | 'service';

function benchDecide(
  options: Options,
  rng: Rng,
  probabilityDraws: number,
  posteriors: Posterior[],
  mode: DecideMode = 'dense',
  values: Float64Array = new Float64Array(posteriors.length).fill(1),
): Row {
  const k = posteriors.length;
  const d = options.dimension;
  const service =
    mode === 'service'
      ? {
          probabilityMethod: 'exact' as const,
          covariances: posteriors.map((p) => {
            const cov = new Float64Array(d * d);
            inverseFromCholesky(p.cholPrecision, d, cov);
            return cov;
          }),
        }
      : {};
  const levers = new Float64Array(k).fill(1);
  const x = new Float64Array(options.dimension);
  const scratch = createDecisionScratch(k, options.dimension);
  const seconds = timePerCall(options.minSeconds, () => {
    fillContext(rng, x);
    decide({ posteriors, values, levers, x, threshold: 0, slots: 1, probabilityDraws, ...service }, rng, scratch);
  });
  return {
    name: `decide, K=${k}, d=${options.dimension}, probabilityDraws=${probabilityDraws}`,
    value: seconds.cpu * 1e6,
    wallValue: seconds.wall * 1e6,
    unit: 'µs/decision',
  };
}

function benchUpdates(options: Options, rng: Rng, likelihood: Likelihood, n: number): Row[] {
  const d = options.dimension;
  const truth = randomTruth(rng, d);
  // A pool of pre-built batches so that data generation is not timed.
  const pool = Array.from({ length: 16 }, () => randomBatch(rng, likelihood, truth, n));
  let post = withEvidence(rng, likelihood, d, options.evidence);
  let next = 0;
  const seconds = timePerCall(options.minSeconds, () => {
    post = updatePosterior(post, pool[next]!);
    next = (next + 1) % pool.length;
  });
  const label = `${likelihood} update, d=${d}, n=${n}`;
  const rows: Row[] = [{ name: label, value: 1 / seconds.cpu, wallValue: 1 / seconds.wall, unit: 'updates/s' }];
  if (n > 1) rows.push({ name: label, value: n / seconds.cpu, wallValue: n / seconds.wall, unit: 'observations/s' });
  return rows;
}

function format(value: number): string {
  return value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(2);
}

async function main(): Promise<void> {
  const options = readOptions();
  if (!options) {
    console.log(HELP);
    return;
  }
  const rng = createRng(options.seed);
  const posteriors = Array.from({ length: options.actions }, (_, i) =>
    withEvidence(rng, i % 5 === 4 ? 'linear' : 'logistic', options.dimension, options.evidence),
  );
  const logisticOnly = Array.from({ length: options.actions }, () => withEvidence(rng, 'logistic', options.dimension, options.evidence));
  const rows: Row[] = [];
  const report = (row: Row): void => {
    rows.push(row);
    console.log(`${row.name.padEnd(52)} ${format(row.value).padStart(12)} ${format(row.wallValue).padStart(12)}  ${row.unit}`);
  };
  console.log(`node ${process.version}, single thread; every figure is the mean over ≥ ${options.minSeconds} s\n`);
  console.log(`${'measurement'.padEnd(52)} ${'by CPU time'.padStart(12)} ${'by wall'.padStart(12)}  unit`);
  report(benchDecide(options, rng, 0, logisticOnly));
  report(benchDecide(options, rng, 100, logisticOnly));
  report({ ...benchDecide(options, rng, 0, logisticOnly, 'service'), name: `decide as the service calls it (sparse), no probability` });
  report({ ...benchDecide(options, rng, 100, logisticOnly, 'service'), name: `decide as the service calls it, exact probability` });
  // A cold catalog (every action at its prior, as in bench:http): identical rivals share one CDF in the exact
  // probability unless their values differ.
  const cold = Array.from({ length: options.actions }, () => createPrior(DEFAULT_LOGISTIC_PRIOR, options.dimension));
  const spread = Float64Array.from({ length: options.actions }, (_, i) => 1 + ((i * 37) % 100));
  report({ ...benchDecide(options, rng, 100, cold, 'service'), name: `  same, cold catalog, equal values` });
  report({ ...benchDecide(options, rng, 100, cold, 'service', spread), name: `  same, cold catalog, values 1–100` });
  report({ ...benchDecide(options, rng, 0, posteriors), name: `decide (1 in 5 linear), d=${options.dimension}, draws=0` });
  report({ ...benchDecide(options, rng, 100, posteriors), name: `decide (1 in 5 linear), d=${options.dimension}, draws=100` });
  for (const n of [1, 100, 1000]) for (const row of benchUpdates(options, rng, 'logistic', n)) report(row);
  for (const n of [1, 100]) for (const row of benchUpdates(options, rng, 'linear', n)) report(row);
  console.log(JSON.stringify({ bench: 'core', node: process.version, options, results: rows }));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
