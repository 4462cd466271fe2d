/**
 * The Personalizer loop's rank policy: Thompson sampling over each candidate's linear Normal–Inverse-Gamma posterior
 * with the noise variance plugged in at its posterior mean σ̂² = b/(a−1), mixed with ε-uniform exploration
 * (Personalizer's explorationPercentage).
 *
 * Why σ² plugged in: with σ² drawn (as src/core/thompson.ts does for linear models) a score is Student-t, and the
 * selection probability of every candidate would need a Monte Carlo of its own. With σ̂² each score is Normal,
 * zᵢ = mᵢ + sᵢ·εᵢ with mᵢ = xᵀμᵢ, sᵢ² = σ̂ᵢ²·xᵀΛᵢ⁻¹x, the deviates correlated as thompson.ts correlates them
 * (εᵢ = √ρ·max(0, w) + √(1−ρ)·uᵢ; ρ = RANK_CORRELATION = 0 by default, the draw below uses the same ρ), so every
 * candidate's P(i is the argmax) is a one-dimensional integral per shared value, computed for all candidates at once on
 * one grid (max-probability.ts: O(k × nodes)). The per-candidate quadrature of src/core/selection-probability.ts
 * (`chosenProbability`, scales 1 and threshold 0: σ is strictly increasing, so argmax σ(z) = argmax z, every draw
 * clears the bar, ties go to the lower index in both) is the fallback when the grid would be too fine and the tests'
 * reference; it was too slow to be the rule (bench:personalizer-rank: 77 µs at k = 10 and 1.3 ms at k = 50, warm,
 * ρ = 0, against 32 µs and 181 µs for the grid). The Personalizer ranking's probabilities are therefore the policy's
 * selection probabilities to the grid's error (Σ of the raw integrals within 3.1e-6 of 1 over 200 instances, k = 2–50;
 * each within binomial error of a 40,000-draw Monte Carlo and within 1 % + 5e-5 of the quadrature), and the rank's
 * choice is one draw of that same rule.
 *
 * ε-mixing: with probability ε the choice is uniform over the k candidates, so pᵢ = ε/k + (1−ε)·qᵢ exactly, the qᵢ
 * divided by their raw sum first; the last rounding residue goes to the last entry so Σpᵢ is exactly 1 in floating
 * point (summed left to right).
 */
import { sparseQuadForm } from '../../core/contenders.js';
import { quadFormInverse } from '../../core/linalg.js';
import { chosenProbability, type ScoreMoments } from '../../core/selection-probability.js';
import { argmaxProbabilities } from './max-probability.js';
import { DRAW_CORRELATION } from '../../core/thompson.js';
import type { Posterior, Rng } from '../../core/types.js';

/**
 * ρ of the draws: 0, textbook independent Thompson sampling. Kairos's shared optimism (thompson.ts,
 * DRAW_CORRELATION 0.9) learned faster in rich contexts (tutorial world with 16 irrelevant context features, 10 seeds,
 * ε = 0.2: mean reward over 5,000 events 0.775 vs 0.743; the same last fifth, 0.823) but costs a grid per shared value,
 * 7 instead of 1: 151 vs 32 µs per rank at k = 10 and 741 vs 181 µs at k = 50 (bench:personalizer-rank, warm),
 * beyond the rank route's budget (well under 100 µs at k = 10). Callers may pass `correlation` (up to 0.9 measured).
 */
export const RANK_CORRELATION = 0;
/** Kairos's decision default, for the benchmarks' side by side. */
export const SHARED_OPTIMISM_CORRELATION = DRAW_CORRELATION;

export interface RankInput {
  posteriors: readonly Posterior[];
  /** Λ⁻¹ per candidate when the caller keeps it (O(nnz²) scoring instead of a forward substitution). */
  covariances?: readonly (Float64Array | undefined)[];
  x: Float64Array;
  /** ε in [0, 1]. */
  explorationPercentage: number;
  /** ρ in [0, 1): RANK_CORRELATION unless given (benchmarks and tests compare). */
  correlation?: number;
  /** 'grid' unless given (benchmarks and tests compare with the per-candidate quadrature). */
  method?: ProbabilityMethod;
}

export interface RankResult {
  /** Index of the chosen candidate. */
  chosen: number;
  /** Every candidate's selection probability under this rule, summing to 1. */
  probabilities: Float64Array;
  /** argmax of the posterior mean score (lowest index on ties): the model's own choice, for Apprentice agreement. */
  greedy: number;
}

/** σ̂² = b/(a−1), the posterior mean of the noise; a ≤ 1 (no mean) falls back to b/a, the mode-side scale. */
export function plugInNoise(post: Posterior): number {
  return post.a > 1 ? post.b / (post.a - 1) : post.b / Math.max(post.a, 1e-12);
}

let work = new Float64Array(0);
let nonZero = new Int32Array(0);
let values = new Float64Array(0);

/** Each candidate's score mean and sd into `means` and `sds` (allocated by the caller, length k). */
function scoreMoments(input: RankInput, means: Float64Array, sds: Float64Array): void {
  const { posteriors, covariances, x } = input;
  const d = x.length;
  if (work.length < d) {
    work = new Float64Array(d);
    nonZero = new Int32Array(d);
    values = new Float64Array(d);
  }
  let nnz = 0;
  for (let j = 0; j < d; j++) {
    if (x[j] === 0) continue;
    values[nnz] = x[j]!;
    nonZero[nnz++] = j;
  }
  for (let i = 0; i < posteriors.length; i++) {
    const post = posteriors[i]!;
    if (post.d !== d) throw new RangeError(`posterior ${i} has dimension ${post.d}, the context ${d}`);
    let m = 0;
    for (let t = 0; t < nnz; t++) m += post.mean[nonZero[t]!]! * values[t]!;
    const cov = covariances?.[i];
    const v = cov ? sparseQuadForm(cov, d, values, nonZero, nnz) : quadFormInverse(post.cholPrecision, d, x, work);
    const sd = Math.sqrt(Math.max(0, v) * plugInNoise(post));
    if (!Number.isFinite(m) || !Number.isFinite(sd)) throw new RangeError(`candidate ${i} has a score that is not finite`);
    means[i] = m;
    sds[i] = sd;
  }
}

function checkEpsilon(epsilon: number): void {
  if (!(epsilon >= 0 && epsilon <= 1)) throw new RangeError(`explorationPercentage must lie in [0, 1], got ${epsilon}`);
}

function correlationOf(input: RankInput): number {
  const rho = input.correlation ?? RANK_CORRELATION;
  if (!(rho >= 0 && rho < 1)) throw new RangeError(`correlation must lie in [0, 1), got ${rho}`);
  return rho;
}

/**
 * The per-candidate quadrature (selection-probability.ts's tail rule, once per candidate) into p; returns Σp. The
 * fallback when the shared grid would be too fine, and the reference the tests compare the grid with.
 */
function perCandidate(k: number, means: Float64Array, sds: Float64Array, rho: number, p: Float64Array): number {
  const moments: ScoreMoments = { means, sds, scales: new Float64Array(k).fill(1), correlation: rho };
  let sum = 0;
  for (let i = 0; i < k; i++) {
    // An identical earlier candidate has the same probability (twins are integrated exactly): computed once.
    let same = -1;
    for (let j = 0; j < i && same < 0; j++) if (means[j] === means[i] && sds[j] === sds[i]) same = j;
    p[i] = same >= 0 ? p[same]! : outclassed(i, k, means, sds, rho) ? 0 : chosenProbability(i, k, moments, 0);
    sum += p[i]!;
  }
  return sum;
}

/** How the Thompson shares are integrated: 'grid' (argmaxProbabilities, falling back when too fine) or 'quadrature'. */
export type ProbabilityMethod = 'grid' | 'quadrature';

/** The probabilities from the moments (see the file comment). */
function probabilitiesOf(k: number, means: Float64Array, sds: Float64Array, rho: number, epsilon: number, method: ProbabilityMethod): Float64Array {
  const p = new Float64Array(k);
  if (k === 1) {
    p[0] = 1;
    return p;
  }
  let sum = 0;
  if (method !== 'quadrature' && argmaxProbabilities(k, means, sds, rho, p)) {
    for (let i = 0; i < k; i++) sum += p[i]!;
  } else {
    sum = perCandidate(k, means, sds, rho, p);
  }
  for (let i = 0; i < k; i++) p[i] = epsilon / k + (1 - epsilon) * (sum > 0 ? p[i]! / sum : 1 / k);
  closeToOne(p);
  return p;
}

/**
 * Makes the left-to-right sum of p exactly 1 by moving the rounding residue (a few ulps). The last entry takes it:
 * 1 − head is exact when the others sum to ½ or more (Sterbenz) and then head + (1 − head) = 1; when they sum to less,
 * the last entry is over ½ and 1 − head can round, so it is stepped to the neighbouring double (the sum is monotone in
 * it) until the sum is 1. When the others already sum past 1 (the last entry is a rounded 0), the excess comes off the
 * largest of them first.
 */
function closeToOne(p: Float64Array): void {
  const k = p.length;
  let largest = 0;
  for (let i = 1; i < k - 1; i++) if (p[i]! > p[largest]!) largest = i;
  const head = (): number => {
    let s = 0;
    for (let i = 0; i < k - 1; i++) s += p[i]!;
    return s;
  };
  let before = head();
  for (let step = 0; before > 1 && step < 64; step++) {
    p[largest] = Math.max(0, Math.min(p[largest]! - (before - 1), nextDown(p[largest]!)));
    before = head();
  }
  p[k - 1] = Math.max(0, 1 - before);
  for (let step = 0; step < 8; step++) {
    const total = before + p[k - 1]!;
    if (total === 1) return;
    p[k - 1] = total < 1 ? nextUp(p[k - 1]!) : nextDown(p[k - 1]!);
  }
}

const ulpBits = new Float64Array(1);
const ulpInt = new BigInt64Array(ulpBits.buffer);

/** The next double above x ≥ 0 (finite). */
function nextUp(x: number): number {
  if (x === 0) return Number.MIN_VALUE;
  ulpBits[0] = x;
  ulpInt[0]! += 1n;
  return ulpBits[0]!;
}

/** The next double below x ≥ 0, or 0. */
function nextDown(x: number): number {
  if (x <= Number.MIN_VALUE) return 0;
  ulpBits[0] = x;
  ulpInt[0]! -= 1n;
  return ulpBits[0]!;
}

/**
 * Below this bound on P(i is the argmax) the quadrature is skipped and qᵢ taken as 0: the bound is P(zᵢ > zⱼ) for the
 * rival j that beats i most surely, Φ((mᵢ − mⱼ)/√(sᵢ² + sⱼ²)) at ρ = 0 (a shared deviate only adds sᵢ − sⱼ times the
 * shared draw: bounded through the largest shared value, 4 sds of the half-normal, below). An action this far behind
 * is chosen under ε-mixing with ε/k anyway; its Thompson share is below the quadrature's own relative tolerance.
 */
export const OUTCLASSED_BOUND = 1e-9;
/** Φ⁻¹(1e-9) ≈ −6.0: the score-difference z at the bound. */
const OUTCLASSED_Z = -5.998;

function outclassed(i: number, k: number, means: Float64Array, sds: Float64Array, rho: number): boolean {
  const common = Math.sqrt(rho) * 4;
  const own2 = 1 - rho;
  for (let j = 0; j < k; j++) {
    if (j === i) continue;
    const spread = Math.sqrt(own2 * (sds[i]! * sds[i]! + sds[j]! * sds[j]!));
    // zᵢ − zⱼ = mᵢ − mⱼ + (sᵢ − sⱼ)c + own part; with c ≤ 4√ρ (P(c > 4√ρ) = 3e-5 · ½ is charged to the bound's slack)
    const lead = means[i]! - means[j]! + Math.max(0, sds[i]! - sds[j]!) * common;
    if (spread > 0 ? lead / spread < OUTCLASSED_Z : lead < 0) return true;
  }
  return false;
}

function argmax(values: Float64Array, k: number): number {
  let best = 0;
  for (let i = 1; i < k; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

/**
 * Every candidate's selection probability without drawing, and the model's greedy choice (Apprentice mode:
 * π(baseline | x) and agreement).
 */
export function selectionProbabilities(input: RankInput): { probabilities: Float64Array; greedy: number } {
  const k = input.posteriors.length;
  if (k === 0) throw new RangeError('there must be at least one candidate');
  checkEpsilon(input.explorationPercentage);
  const rho = correlationOf(input);
  const means = new Float64Array(k);
  const sds = new Float64Array(k);
  scoreMoments(input, means, sds);
  return { probabilities: probabilitiesOf(k, means, sds, rho, input.explorationPercentage, input.method ?? 'grid'), greedy: argmax(means, k) };
}

/**
 * Ranks the candidates: one draw of the policy (ε-uniform, else correlated Thompson with σ̂²) and every candidate's
 * exact selection probability. Random numbers: one uniform for the ε coin when 0 < ε < 1, then one uniform index
 * (explore) or one shared and k own normals (exploit).
 */
export function rankCandidates(input: RankInput, rng: Rng): RankResult {
  const k = input.posteriors.length;
  if (k === 0) throw new RangeError('there must be at least one candidate');
  const epsilon = input.explorationPercentage;
  checkEpsilon(epsilon);
  const rho = correlationOf(input);
  const means = new Float64Array(k);
  const sds = new Float64Array(k);
  scoreMoments(input, means, sds);
  const greedy = argmax(means, k);
  const probabilities = probabilitiesOf(k, means, sds, rho, epsilon, input.method ?? 'grid');
  if (k === 1) return { chosen: 0, probabilities, greedy };
  let chosen: number;
  if (epsilon >= 1 || (epsilon > 0 && rng.nextFloat() < epsilon)) {
    chosen = rng.nextInt(k);
  } else {
    const shared = Math.sqrt(rho) * Math.max(0, rng.nextNormal());
    const own = Math.sqrt(1 - rho);
    chosen = 0;
    let best = -Infinity;
    for (let i = 0; i < k; i++) {
      const z = means[i]! + sds[i]! * (shared + own * rng.nextNormal());
      if (z > best) {
        best = z;
        chosen = i;
      }
    }
  }
  return { chosen, probabilities, greedy };
}
