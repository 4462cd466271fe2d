/** Shared fixtures of the core unit tests: seeded random SPD matrices, posteriors with evidence, and references. */
import { Matrix } from 'ml-matrix';
import { createPrior, DEFAULT_LINEAR_PRIOR, DEFAULT_LOGISTIC_PRIOR } from '../../../src/core/prior.js';
import { createRng } from '../../../src/core/rng.js';
import type { ScoreMoments } from '../../../src/core/selection-probability.js';
import type { Likelihood, ObservationBatch, Posterior, Rng } from '../../../src/core/types.js';
import { updatePosterior } from '../../../src/core/update.js';

/** A random symmetric positive definite d×d matrix B Bᵀ + εI (row-major), condition number moderate. */
export function randomSpd(rng: Rng, d: number): Float64Array {
  const b = new Float64Array(d * d);
  for (let k = 0; k < d * d; k++) b[k] = rng.nextNormal();
  const a = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += b[i * d + k]! * b[j * d + k]!;
      a[i * d + j] = s + (i === j ? 0.5 : 0);
    }
  }
  return a;
}

export function randomVector(rng: Rng, d: number, scale = 1): Float64Array {
  const v = new Float64Array(d);
  for (let j = 0; j < d; j++) v[j] = scale * rng.nextNormal();
  return v;
}

/** A row-major Float64Array as an ml-matrix Matrix. */
export function toMatrix(a: Float64Array, rows: number, cols = rows): Matrix {
  const m = new Matrix(rows, cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) m.set(i, j, a[i * cols + j]!);
  return m;
}

export function column(v: Float64Array): Matrix {
  return Matrix.columnVector(Array.from(v));
}

/** L Lᵀ of a row-major lower factor. */
export function reconstruct(L: Float64Array, d: number): Float64Array {
  const out = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let k = 0; k <= Math.min(i, j); k++) s += L[i * d + k]! * L[j * d + k]!;
      out[i * d + j] = s;
    }
  }
  return out;
}

/** max |a − b| / (1 + max |b|): a scale-aware distance between arrays. */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let k = 0; k < b.length; k++) {
    diff = Math.max(diff, Math.abs(a[k]! - b[k]!));
    scale = Math.max(scale, Math.abs(b[k]!));
  }
  return diff / (1 + scale);
}

/** A context vector with the bias in slot 0 and features uniform on [0, 1]. */
export function randomContext(rng: Rng, d: number): Float64Array {
  const x = new Float64Array(d);
  x[0] = 1;
  for (let j = 1; j < d; j++) x[j] = rng.nextFloat();
  return x;
}

/** A batch of n contexts with outcomes from a logistic (0/1) or linear (Gaussian noise) truth. */
export function randomBatch(rng: Rng, likelihood: Likelihood, truth: Float64Array, n: number): ObservationBatch {
  const d = truth.length;
  const x = new Float64Array(n * d);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const row = randomContext(rng, d);
    x.set(row, i * d);
    let z = 0;
    for (let j = 0; j < d; j++) z += row[j]! * truth[j]!;
    y[i] = likelihood === 'logistic' ? (rng.nextFloat() < 1 / (1 + Math.exp(-z)) ? 1 : 0) : z + 0.5 * rng.nextNormal();
  }
  return { n, d, x, y };
}

/** The default prior after `n` random observations, so the precision is dense and the mean off the prior. */
export function evolvedPosterior(likelihood: Likelihood, d: number, n: number, seed: number): Posterior {
  const rng = createRng(seed);
  const prior = createPrior(likelihood === 'logistic' ? DEFAULT_LOGISTIC_PRIOR : DEFAULT_LINEAR_PRIOR, d);
  if (n === 0) return prior;
  return updatePosterior(prior, randomBatch(rng, likelihood, randomVector(rng, d), n));
}

/** Standard normal CDF via erfc, Abramowitz & Stegun 7.1.26 (absolute error < 1.5e-7). */
export function normalCdf(z: number): number {
  const t = 1 / (1 + 0.3275911 * (Math.abs(z) / Math.SQRT2));
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erfc = poly * Math.exp(-(z * z) / 2);
  return z >= 0 ? 1 - erfc / 2 : erfc / 2;
}

/** A one-dimensional posterior whose score for x = [1] is exactly N(m, v) (times σ² ~ IG(a, b) for linear); v = 0 is a
 * certain score. */
export function scalarPosterior(likelihood: Likelihood, m: number, v: number, a = 0, b = 0): Posterior {
  return {
    likelihood,
    d: 1,
    mean: Float64Array.of(m),
    precision: Float64Array.of(1 / v),
    cholPrecision: Float64Array.of(Math.sqrt(1 / v)),
    a,
    b,
    observations: 0,
  };
}

/**
 * An independent reference for the one-slot selection probabilities: every action's frequency over `draws` plain
 * draws of the policy (shared optimism c = √ρ·max(0, w), priority = scale·σ(m + sd·(c + √(1−ρ)·u)) ≥ its bar, the best
 * wins), and the no-action frequency. None of selection-probability.ts's code is used.
 */
export function plainSelectionFrequencies(m: ScoreMoments, draws: number, seed: number): { p: Float64Array; none: number } {
  const k = m.means.length;
  const rng = createRng(seed);
  const common = Math.sqrt(m.correlation);
  const own = Math.sqrt(1 - m.correlation);
  const counts = new Float64Array(k);
  let none = 0;
  for (let d = 0; d < draws; d++) {
    const shared = common * Math.max(0, rng.nextNormal());
    let best = -1;
    let top = -Infinity;
    for (let i = 0; i < k; i++) {
      const priority = m.scales[i]! / (1 + Math.exp(-(m.means[i]! + m.sds[i]! * (shared + own * rng.nextNormal()))));
      if (priority >= (m.taus?.[i] ?? -Infinity) && priority > top) {
        top = priority;
        best = i;
      }
    }
    if (best < 0) none++;
    else counts[best] = counts[best]! + 1;
  }
  return { p: counts.map((c) => c / draws), none: none / draws };
}
