/**
 * Synthetic contexts and trained models for the in-process core benchmarks (bench:core, bench:selection): contexts
 * shaped like encoded ones and posteriors fitted on outcomes from a random logistic (or linear) truth. Seeded: the
 * same rng gives the same models in every run.
 */
import { createPrior, DEFAULT_LINEAR_PRIOR, DEFAULT_LOGISTIC_PRIOR } from '../../src/core/prior.js';
import type { Likelihood, ObservationBatch, Posterior, Rng } from '../../src/core/types.js';
import { updatePosterior } from '../../src/core/update.js';

/** A context like an encoded one: bias, `numeric` scaled numerics (default up to 8), then sparse one-/multi-hot slots. */
export function fillContext(rng: Rng, x: Float64Array, numeric = Math.min(8, x.length - 1)): void {
  x[0] = 1;
  for (let j = 1; j < x.length; j++) x[j] = j <= numeric ? rng.nextFloat() : rng.nextFloat() < 0.15 ? 1 : 0;
}

/** n outcomes from `truth` on contexts from fillContext: a response draw (logistic) or z + N(0, 0.3²) (linear). */
export function randomBatch(rng: Rng, likelihood: Likelihood, truth: Float64Array, n: number, numeric?: number): ObservationBatch {
  const d = truth.length;
  const x = new Float64Array(n * d);
  const y = new Float64Array(n);
  const row = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    fillContext(rng, row, numeric);
    x.set(row, i * d);
    let z = 0;
    for (let j = 0; j < d; j++) z += row[j]! * truth[j]!;
    y[i] = likelihood === 'logistic' ? (rng.nextFloat() < 1 / (1 + Math.exp(-z)) ? 1 : 0) : z + 0.3 * rng.nextNormal();
  }
  return { n, d, x, y };
}

/** A truth with a low base rate (bias ≈ −3) and modest weights. */
export function randomTruth(rng: Rng, d: number): Float64Array {
  const truth = new Float64Array(d);
  truth[0] = -3 + 0.5 * rng.nextNormal();
  for (let j = 1; j < d; j++) truth[j] = 0.4 * rng.nextNormal();
  return truth;
}

/** The prior after `evidence` outcomes from a fresh random truth (the prior itself for 0). */
export function withEvidence(rng: Rng, likelihood: Likelihood, d: number, evidence: number, numeric?: number): Posterior {
  const prior = createPrior(likelihood === 'logistic' ? DEFAULT_LOGISTIC_PRIOR : DEFAULT_LINEAR_PRIOR, d);
  return evidence > 0 ? updatePosterior(prior, randomBatch(rng, likelihood, randomTruth(rng, d), evidence, numeric)) : prior;
}
