/**
 * The per-decision helpers of thompson.ts that do not draw: top-`slots` selection, pruning of actions that cannot
 * win a re-draw, and the sparse quadratic form xᵀΣx.
 */
import { sigmoid } from './logistic.js';

/** The scratch buffers `markContenders` reads and writes (a DecisionScratch provides them). */
export interface ContenderBuffers {
  means: Float64Array;
  variances: Float64Array;
  linear: Uint8Array;
  /** 0 for an action left out of the decision (its score is not finite): never a contender. */
  scorable: Uint8Array;
  lower: Float64Array;
  upper: Float64Array;
  active: Int32Array;
  drawPriority: Float64Array;
  top: Int32Array;
}

/**
 * Fills scratch.top[0..count) with the indices of the `slots` largest priorities that are ≥ threshold, best
 * first (ties: lower index first); returns count. O(K·slots) by insertion, which is O(K) for the usual slots = 1.
 */
export function selectTop(priority: Float64Array, k: number, slots: number, threshold: number, top: Int32Array): number {
  let count = 0;
  for (let i = 0; i < k; i++) {
    const p = priority[i]!;
    if (!(p >= threshold)) continue;
    if (count === slots && !(p > priority[top[count - 1]!]!)) continue;
    let pos = count < slots ? count++ : count - 1;
    while (pos > 0 && priority[top[pos - 1]!]! < p) {
      top[pos] = top[pos - 1]!;
      pos--;
    }
    top[pos] = i;
  }
  return count;
}

/** Half-width, in posterior sds of the score, of the interval outside which a draw is treated as impossible. */
const PRUNE_SDS = 6;

/**
 * Fills `scratch.active` with the actions that can win a re-draw (see `decide`) and sets the others'
 * `drawPriority` to NaN once (never selected); returns how many are active. `bars[i]` is the priority below which
 * action i is never offered (arbitration.ts `priorityBar`); an action only counts toward the bar of `slots` sure
 * winners when its lowest plausible priority clears its own bar (and, with a propensity threshold, when its value ×
 * lever is positive, so the bar covers that threshold). Linear actions (Student-t scores) are never pruned.
 */
export function markContenders(
  scratch: ContenderBuffers,
  k: number,
  slots: number,
  bars: Float64Array,
  values: Float64Array,
  levers: Float64Array,
  propensityThreshold = -Infinity,
): number {
  const { means, variances, linear, scorable, lower, upper, active, drawPriority, top } = scratch;
  for (let i = 0; i < k; i++) {
    if (scorable[i] === 0) {
      lower[i] = -Infinity;
      upper[i] = -Infinity;
      continue;
    }
    if (linear[i] === 1) {
      lower[i] = -Infinity;
      upper[i] = Infinity;
      continue;
    }
    const scale = values[i]! * levers[i]!;
    const half = PRUNE_SDS * Math.sqrt(variances[i]!);
    const a = scale * sigmoid(means[i]! - half);
    const b = scale * sigmoid(means[i]! + half);
    upper[i] = Math.max(a, b);
    const sure = Math.min(a, b) > bars[i]! && (scale > 0 || propensityThreshold === -Infinity);
    lower[i] = sure ? Math.min(a, b) : -Infinity;
  }
  // The slots-th largest lower bound: an action whose upper bound is below it is beaten by `slots` others in every draw.
  const bar = selectTop(lower, k, slots, -Infinity, top) < slots ? -Infinity : lower[top[slots - 1]!]!;
  let count = 0;
  for (let i = 0; i < k; i++) {
    if (upper[i]! < bar || upper[i]! < bars[i]! || scorable[i] === 0) {
      drawPriority[i] = Number.NaN;
    } else {
      active[count++] = i;
    }
  }
  return count;
}

/**
 * True when the lower-triangular factor L (d×d row-major) is diagonal with no zero or NaN on its diagonal: a model still
 * at its (diagonal) prior. Stops at the first non-zero below the diagonal, which a trained model has in its first
 * rows, so the check costs it nothing. (A zero or NaN Lᵢᵢ would make the substitution's 0/Lᵢᵢ NaN at a zero slot.)
 */
export function isDiagonalFactor(L: Float64Array, d: number): boolean {
  for (let i = 0; i < d; i++) {
    const row = i * d;
    let k = 0;
    // Four entries per test: the scan is the whole cost of scoring a prior, and this loop form is ~25 % faster.
    for (; k + 3 < i; k += 4) if (L[row + k] !== 0 || L[row + k + 1] !== 0 || L[row + k + 2] !== 0 || L[row + k + 3] !== 0) return false;
    for (; k < i; k++) if (L[row + k] !== 0) return false;
    if (!(Math.abs(L[row + i]!) > 0)) return false;
  }
  return true;
}

/**
 * xᵀ(LLᵀ)⁻¹x for a diagonal L, over x's non-zero slots (`nonZero`, increasing, with `values`) and slot s (−1: none)
 * set to xs: Σ (xᵢ/Lᵢᵢ)² in increasing i, O(nnz). It is the sum linalg.ts `quadFormInverse` forms, to the bit: there
 * each xᵢ − Σₖ Lᵢₖwₖ subtracts exact zeros and each zero slot adds 0 (a non-finite term makes both non-finite).
 */
export function diagonalQuadForm(L: Float64Array, d: number, values: Float64Array, nonZero: Int32Array, nnz: number, s: number, xs: number): number {
  let total = 0;
  let a = 0;
  if (s >= 0) {
    for (; a < nnz && nonZero[a]! < s; a++) {
      const y = values[a]! / L[nonZero[a]! * (d + 1)]!;
      total += y * y;
    }
    const y = xs / L[s * (d + 1)]!;
    total += y * y;
  }
  for (; a < nnz; a++) {
    const y = values[a]! / L[nonZero[a]! * (d + 1)]!;
    total += y * y;
  }
  return total;
}

/**
 * xᵀΣx over the non-zero slots of x (Σ symmetric, d×d row-major), given those slots (`nonZero`) and x's values there
 * (`values[a]` = x[nonZero[a]]: one load fewer per term in the O(nnz²) loop); clamped at 0 against rounding.
 */
export function sparseQuadForm(cov: Float64Array, d: number, values: Float64Array, nonZero: Int32Array, nnz: number): number {
  let v = 0;
  for (let a = 0; a < nnz; a++) {
    const ia = nonZero[a]!;
    const row = ia * d;
    let inner = 0.5 * cov[row + ia]! * values[a]!;
    for (let b = a + 1; b < nnz; b++) inner += cov[row + nonZero[b]!]! * values[b]!;
    v += 2 * values[a]! * inner;
  }
  return v > 0 ? v : 0;
}
