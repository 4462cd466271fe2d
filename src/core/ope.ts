/**
 * Off-policy estimators over a logged policy's decisions (DESIGN.md §9.2), as streaming sums so a replay keeps no
 * per-row memory. Per row i: the logged reward rᵢ, the importance weight wᵢ = π(aᵢ|xᵢ)/μ(aᵢ|xᵢ) of the logged choice
 * aᵢ (an action, or no action), and for the doubly robust estimator the direct term dᵢ = Σₐ π(a|xᵢ)·q̂(a, xᵢ) and the
 * model's estimate q̂ᵢ = q̂(aᵢ, xᵢ) of the logged choice.
 *
 * - IPS (Horvitz & Thompson 1952): V̂ = (1/n) Σ wᵢrᵢ.
 * - SNIPS (self-normalised, Swaminathan & Joachims 2015, "The self-normalized estimator for counterfactual
 *   learning"): V̂ = Σ wᵢrᵢ / Σ wᵢ.
 * - DR (Dudík, Langford & Li 2011, "Doubly robust policy evaluation and learning", eq. 2):
 *   V̂ = (1/n) Σ [dᵢ + wᵢ(rᵢ − q̂ᵢ)].
 *
 * Intervals are analytic 95 % (no bootstrap): IPS and DR are means of independent per-row terms, so the CLT gives
 * V̂ ± 1.96·s/√n with s the terms' sample sd; SNIPS is a ratio of means, whose delta-method variance is
 * Σ wᵢ²(rᵢ − V̂)² / (Σ wᵢ)² (Owen 2013, "Monte Carlo theory, methods and examples", §9.2, eq. 9.8). The effective
 * sample size is Kish's (Σ wᵢ)² / Σ wᵢ². Every figure that cannot be computed (no rows, Σw = 0) is null.
 *
 * Support: SNIPS relies on E_μ[w] = 1, which fails where the candidate puts mass on a choice the logged policy never
 * makes — typically "no action" under a logged policy that always offers. That choice's reward is known to be 0, so
 * its mass mᵢ = π(no action|xᵢ) is added to the normaliser, Σ wᵢrᵢ / Σ (wᵢ + mᵢ), which restores E[wᵢ + mᵢ] = 1 and
 * leaves the numerator as it is (the delta-method variance is taken over uᵢ = wᵢ + mᵢ the same way).
 */

/** z of a two-sided 95 % normal interval. */
import { sampleMoments, Z95 } from './intervals.js';

export { Z95 };

/** Running sums of one policy's rows (all plain numbers: a replay adds one row at a time). */
export interface OpeSums {
  n: number;
  /** Σw, Σw² (effective sample size), Σwr, Σ(wr)² (IPS). */
  w: number;
  w2: number;
  wr: number;
  w2r2: number;
  /** Over u = w + m (SNIPS's normaliser): Σu, Σu², Σu·wr. */
  u: number;
  u2: number;
  uwr: number;
  /** Σ of the DR terms and of their squares. */
  dr: number;
  dr2: number;
}

export function createOpeSums(): OpeSums {
  return { n: 0, w: 0, w2: 0, wr: 0, w2r2: 0, u: 0, u2: 0, uwr: 0, dr: 0, dr2: 0 };
}

/**
 * Adds one row: reward r, weight w = π/μ (finite, ≥ 0), direct term d = Σₐ π(a)q̂(a), the model's estimate q̂ of the
 * logged choice, and `zeroMass` m, the candidate's probability of a reward-0 choice the logged policy could not make
 * here (default 0). Throws RangeError on a weight that is not a finite number ≥ 0 (a zero or NaN logged probability
 * must be refused before it gets here, never weighted as 1).
 */
export function addRow(sums: OpeSums, r: number, w: number, direct: number, qLogged: number, zeroMass = 0): void {
  if (!(w >= 0 && Number.isFinite(w))) throw new RangeError(`importance weight must be a finite number ≥ 0, got ${w}`);
  if (!(zeroMass >= 0 && zeroMass <= 1)) throw new RangeError(`zeroMass must lie in [0, 1], got ${zeroMass}`);
  const wr = w * r;
  const u = w + zeroMass;
  const t = direct + w * (r - qLogged);
  sums.n += 1;
  sums.w += w;
  sums.w2 += w * w;
  sums.wr += wr;
  sums.w2r2 += wr * wr;
  sums.u += u;
  sums.u2 += u * u;
  sums.uwr += u * wr;
  sums.dr += t;
  sums.dr2 += t * t;
}

export interface Estimate {
  value: number | null;
  ci95: [number, number] | null;
}

export interface OpeEstimates {
  ips: Estimate;
  snips: Estimate;
  dr: Estimate;
  effectiveSampleSize: number | null;
}

/** Mean of n terms from their sum and sum of squares, with its CLT 95 % interval (n ≥ 2 for the interval). */
export function meanWithInterval(n: number, sum: number, sumSq: number): Estimate {
  const { mean, variance } = sampleMoments(n, sum, sumSq);
  if (mean === null || variance === null) return { value: mean, ci95: null };
  const half = Z95 * Math.sqrt(variance / n);
  return { value: mean, ci95: [mean - half, mean + half] };
}

/** The three estimates and the effective sample size of one policy's sums. */
export function estimatesOf(s: OpeSums): OpeEstimates {
  const ips = meanWithInterval(s.n, s.wr, s.w2r2);
  const dr = meanWithInterval(s.n, s.dr, s.dr2);
  let snips: Estimate = { value: null, ci95: null };
  if (s.n > 0 && s.u > 0) {
    const v = s.wr / s.u;
    // Σ (wᵢrᵢ − V·uᵢ)² expanded into the kept sums (uᵢ = wᵢ when every choice has support: Σ wᵢ²(rᵢ − V)²).
    const spread = Math.max(0, s.w2r2 - 2 * v * s.uwr + v * v * s.u2);
    const half = (Z95 * Math.sqrt(spread)) / s.u;
    snips = { value: v, ci95: s.n >= 2 ? [v - half, v + half] : null };
  }
  const effectiveSampleSize = s.w2 > 0 ? (s.w * s.w) / s.w2 : null;
  return { ips, snips, dr, effectiveSampleSize };
}
