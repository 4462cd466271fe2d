/**
 * Lift of the policy over the control group (DESIGN.md §9.1), from per-opportunity sums and sums of squares (what
 * decision_counts holds: one opportunity = one decision request, its responses and its value Σ action value ×
 * (reward ?? 1)). Pure: numbers in, numbers or null out (never NaN).
 *
 * Each group's mean per opportunity x̄ = S/n has the sampling variance s²/n with s² = (Q − S²/n)/(n − 1), the
 * unbiased sample variance from the sum S and the sum of squares Q. The groups are independent samples (membership
 * is a hash of the customer or a draw, not a function of the outcome), so the lift L = p̄/c̄ − 1 has the
 * first-order delta-method variance of a ratio of independent means (the bivariate delta method, Casella & Berger,
 * Statistical Inference, 2nd ed., §5.5.4):
 *   Var L ≈ (p/c)² (Var p̄/p² + Var c̄/c²) = Var p̄/c² + p² Var c̄/c⁴,
 * the second form being defined at p = 0. The 95 % interval is L ± z·√Var L with z = Φ⁻¹(0.975).
 */
import { sampleMoments, Z95 } from '../core/intervals.js';


/** One group's sums over its opportunities. */
export interface GroupSums {
  opportunities: number;
  contacts: number;
  responses: number;
  /** Σ over opportunities of responses². */
  responsesSq: number;
  value: number;
  /** Σ over opportunities of value². */
  valueSq: number;
}

export const EMPTY_SUMS: Readonly<GroupSums> = Object.freeze({ opportunities: 0, contacts: 0, responses: 0, responsesSq: 0, value: 0, valueSq: 0 });

/** A mean per opportunity and the variance of that mean; null where it cannot be computed. */
export interface MeanEstimate {
  mean: number | null;
  /** s²/n; null with fewer than 2 opportunities. */
  variance: number | null;
}

/** The mean of n values from their sum and sum of squares, with the sampling variance of the mean. */
export function meanEstimate(sum: number, sumSq: number, n: number): MeanEstimate {
  const { mean, variance } = sampleMoments(n, sum, sumSq);
  return { mean, variance: variance === null ? null : variance / n };
}

export interface LiftEstimate {
  estimate: number | null;
  ci95: [number, number] | null;
}

/** (p − c)/c with its delta-method 95 % interval; null when the control mean is missing or 0, or p is missing. */
export function relativeLift(policy: MeanEstimate, control: MeanEstimate): LiftEstimate {
  const p = policy.mean;
  const c = control.mean;
  if (p === null || c === null || c === 0) return { estimate: null, ci95: null };
  const estimate = p / c - 1;
  const variance = deltaMethodVariance(policy, control);
  if (variance === null) return { estimate, ci95: null };
  const half = Z95 * Math.sqrt(variance);
  return { estimate, ci95: [estimate - half, estimate + half] };
}

/** Var(p̄/c̄) ≈ Var p̄/c² + p² Var c̄/c⁴ (independent groups); null when a variance or the control mean is missing. */
export function deltaMethodVariance(policy: MeanEstimate, control: MeanEstimate): number | null {
  const p = policy.mean;
  const c = control.mean;
  if (p === null || c === null || c === 0 || policy.variance === null || control.variance === null) return null;
  const c2 = c * c;
  return policy.variance / c2 + (p * p * control.variance) / (c2 * c2);
}

/** What the answer shows of one group. */
export interface GroupView {
  opportunities: number;
  contacts: number;
  responses: number;
  responseRate: number | null;
  value: number;
  valuePerOpportunity: number | null;
}

export function groupView(s: GroupSums): GroupView {
  const n = s.opportunities;
  return {
    opportunities: n,
    contacts: s.contacts,
    responses: s.responses,
    responseRate: n > 0 ? s.responses / n : null,
    value: s.value,
    valuePerOpportunity: n > 0 ? s.value / n : null,
  };
}

/** Response-rate and value-per-opportunity lift of `policy` over `control`. */
export function liftOf(policy: GroupSums, control: GroupSums): { responseRate: LiftEstimate; valuePerOpportunity: LiftEstimate } {
  return {
    responseRate: relativeLift(
      meanEstimate(policy.responses, policy.responsesSq, policy.opportunities),
      meanEstimate(control.responses, control.responsesSq, control.opportunities),
    ),
    valuePerOpportunity: relativeLift(
      meanEstimate(policy.value, policy.valueSq, policy.opportunities),
      meanEstimate(control.value, control.valueSq, control.opportunities),
    ),
  };
}

/** a + b, field by field (into a fresh object). */
export function addSums(a: Readonly<GroupSums>, b: Readonly<GroupSums>): GroupSums {
  return {
    opportunities: a.opportunities + b.opportunities,
    contacts: a.contacts + b.contacts,
    responses: a.responses + b.responses,
    responsesSq: a.responsesSq + b.responsesSq,
    value: a.value + b.value,
    valueSq: a.valueSq + b.valueSq,
  };
}
