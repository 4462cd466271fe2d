/**
 * Side by side in one process: the exact selection probability (src/core/selection-probability.ts) against the
 * verbatim copy of its previous version kept as the test oracle, on the same captured instances. Instances come from
 * real `decide` calls shaped like bench:batch's NBA path (K actions with values 1–100, a contact cost and a
 * propensity threshold folded into per-action bars, sparse contexts, a recent-ignores slot override) on a cold
 * catalog (every action at its prior), on a warm one (200 observations each) and on a cold one whose actions all have
 * the same value (identical actions: the twins the current version integrates exactly, issue #11 — there the
 * difference from the previous version is the bias it removed, not rounding). Prints µs per chosenProbability and per
 * noActionProbabilityExact for both versions and the largest absolute difference seen. "twins rule" is the current
 * function with the rule before the tail rule (exact twins, the old refinement, equiprobable shared strata), timed in
 * the same run.
 *
 *   npx tsx scripts/bench-selection.ts [--actions 50] [--dimension 40] [--instances 400] [--min-seconds 1]
 */
import { parseArgs } from 'node:util';
import { inverseFromCholesky } from '../src/core/linalg.js';
import { createPrior, DEFAULT_LOGISTIC_PRIOR } from '../src/core/prior.js';
import { createRng } from '../src/core/rng.js';
import * as current from '../src/core/selection-probability.js';
import type { ScoreMoments } from '../src/core/selection-probability.js';
import { createDecisionScratch, decide } from '../src/core/thompson.js';
import type { Posterior, Rng } from '../src/core/types.js';
import * as oracle from '../test/unit/core/selection-probability-oracle.js';
import { fillContext, withEvidence } from './lib/synthetic-models.js';

interface Instance {
  chosen: number;
  k: number;
  moments: ScoreMoments;
  threshold: number;
}

/** Contexts with 6 numerics (the instances this script's published figures were captured on). */
const NUMERIC = 6;

/** Runs decide as the service does and copies the moments the quadrature saw. */
function capture(rng: Rng, posteriors: Posterior[], d: number, count: number, equalValues: boolean): Instance[] {
  const k = posteriors.length;
  const covariances = posteriors.map((p) => {
    const cov = new Float64Array(d * d);
    inverseFromCholesky(p.cholPrecision, d, cov);
    return cov;
  });
  const values = Float64Array.from({ length: k }, (_, i) => (equalValues ? 10 : 1 + ((i * 37) % 100)));
  const levers = new Float64Array(k).fill(1);
  const x = new Float64Array(d);
  const ignores = new Float64Array(k);
  const scratch = createDecisionScratch(k, d);
  const out: Instance[] = [];
  while (out.length < count) {
    fillContext(rng, x, NUMERIC);
    for (let i = 0; i < k; i++) ignores[i] = rng.nextFloat() < 0.1 ? 1 : 0;
    const result = decide(
      { posteriors, values, levers, x, priorityThreshold: 0, propensityThreshold: 0.001, contactCost: 0.5, slots: 1, probabilityDraws: 100, probabilityMethod: 'exact', covariances, slotOverride: { index: d - 1, values: ignores } },
      rng,
      scratch,
    );
    if (result.chosen.length === 0) continue;
    out.push({
      chosen: result.chosen[0]!,
      k,
      threshold: 0,
      moments: { means: scratch.means.slice(0, k), sds: scratch.sds.slice(0, k), scales: scratch.scales.slice(0, k), correlation: 0.9, taus: scratch.bars.slice(0, k) },
    });
  }
  return out;
}

function time(minSeconds: number, run: () => void, calls: number): number {
  for (let i = 0; i < 3; i++) run();
  let rounds = 0;
  const start = process.cpuUsage();
  let elapsed = 0;
  while (elapsed < minSeconds) {
    run();
    rounds++;
    const used = process.cpuUsage(start);
    elapsed = (used.user + used.system) / 1e6;
  }
  return (elapsed / (rounds * calls)) * 1e6;
}

function main(): void {
  const { values } = parseArgs({
    options: {
      actions: { type: 'string', default: '50' },
      dimension: { type: 'string', default: '40' },
      instances: { type: 'string', default: '400' },
      'min-seconds': { type: 'string', default: '1' },
    },
  });
  const k = Number(values.actions);
  const d = Number(values.dimension);
  const count = Number(values.instances);
  const minSeconds = Number(values['min-seconds']);
  const rng = createRng(7);
  const catalogs = {
    cold: Array.from({ length: k }, () => createPrior(DEFAULT_LOGISTIC_PRIOR, d)),
    warm: Array.from({ length: k }, () => withEvidence(rng, 'logistic', d, 200, NUMERIC)),
    'cold-equal': Array.from({ length: k }, () => createPrior(DEFAULT_LOGISTIC_PRIOR, d)),
  };
  const results: Record<string, number> = {};
  console.log(`node ${process.version}; K=${k}, d=${d}, ${count} captured instances per catalog; µs per call by CPU time`);
  for (const [name, posteriors] of Object.entries(catalogs)) {
    const instances = capture(rng, posteriors, d, count, name === 'cold-equal');
    let diff = 0;
    for (const s of instances) {
      diff = Math.max(diff, Math.abs(current.chosenProbability(s.chosen, s.k, s.moments, s.threshold) - oracle.chosenProbability(s.chosen, s.k, s.moments, s.threshold)));
      diff = Math.max(diff, Math.abs(current.noActionProbabilityExact(s.k, s.moments, s.threshold) - oracle.noActionProbabilityExact(s.k, s.moments, s.threshold)));
    }
    let sink = 0;
    const rows = {
      [`${name} chosen, before`]: () => { for (const s of instances) sink += oracle.chosenProbability(s.chosen, s.k, s.moments, s.threshold); },
      [`${name} chosen, twins rule`]: () => { for (const s of instances) sink += current.chosenProbability(s.chosen, s.k, s.moments, s.threshold, 'twins'); },
      [`${name} chosen, after`]: () => { for (const s of instances) sink += current.chosenProbability(s.chosen, s.k, s.moments, s.threshold); },
      [`${name} no action, before`]: () => { for (const s of instances) sink += oracle.noActionProbabilityExact(s.k, s.moments, s.threshold); },
      [`${name} no action, after`]: () => { for (const s of instances) sink += current.noActionProbabilityExact(s.k, s.moments, s.threshold); },
    };
    for (const [label, run] of Object.entries(rows)) {
      results[label] = time(minSeconds, run, instances.length);
      console.log(`${label.padEnd(28)} ${results[label]!.toFixed(2).padStart(9)} µs`);
    }
    console.log(`${name}: largest |after − before| = ${diff.toExponential(2)} (sink ${sink.toFixed(0)})`);
    results[`${name} max diff`] = diff;
  }
  console.log(JSON.stringify({ bench: 'selection', node: process.version, results }));
}

main();
