/**
 * The exact selection probability of the chosen action under Thompson sampling with shared optimism (thompson.ts),
 * for one slot and logistic scores — the number the decision answers with, computed by quadrature instead of Monte
 * Carlo re-draws.
 *
 * Action j's priority is pⱼ = sⱼ·σ(mⱼ + √vⱼ·εⱼ) with sⱼ = value × lever and εⱼ = c + √(1−ρ)·uⱼ, where the shared
 * c = √ρ·max(0, w) and w, uⱼ are standard normal. Given c the draws are independent, zⱼ ~ N(mⱼ + √vⱼ·c, vⱼ(1−ρ)),
 * and the policy picks i when pᵢ clears the threshold and beats every other action (ties go to the lower index, as
 * in `decide`; with continuous draws they have probability 0 unless two actions are certain), so
 *
 *   P(i) = E_c E_{pᵢ | c} [pᵢ ≥ T] · Π_{j<i} P(pⱼ < pᵢ | c) · Π_{j>i} P(pⱼ ≤ pᵢ | c),
 *
 * where P(pⱼ ≤ t | c) = Φ((logit(t/sⱼ) − mⱼ − √vⱼ·c) / (√vⱼ√(1−ρ))). c is 0 with probability ½ and otherwise
 * √ρ times a half-normal: the outer expectation is that atom plus a SHARED_POINTS-point Gauss rule for the half-normal
 * (half-normal-rule.ts; just the atom when ρ = 0). The inner one is over the level v = Φ(uᵢ) in the part of uᵢ's
 * range where pᵢ clears the threshold (whose mass is exact, so the threshold adds no error): OWN_POINTS equal strata
 * and their midpoints, refined by the tail rule. The integrand rises with v, so each stratum's integral lies between
 * its values at the stratum's ends; where it rises most between two neighbouring midpoints (or between the top one
 * and its supremum at v = 1, the chance that i beats everyone at its highest priority), those two strata get
 * OWN_POINTS strata of their own, pass after pass, while that rise times a stratum's mass (weighted by the shared
 * value's weight) exceeds TAIL_TOLERANCE of the probability so far, at most TAIL_PASSES passes down to a width of
 * TAIL_FLOOR. This finds the mass wherever it sits: a chosen action that wins only far in the upper tail of its own
 * draw (where every midpoint of the top stratum loses, so plain midpoints said 0: 3 of 2,000 logged decisions of a
 * synthetic-logistic world), a well-learned rival's step, many similar rivals (the mass in the top strata). The kept
 * midpoints get a log-linear correction (logLinearFactor: a midpoint on a rise of 3–7× a stratum is ~8 % low).
 * Rivals identical to i (twins: a cold catalog of equal values) contribute the factor v^r at i's level v; the
 * substitution w = v^(r+1) integrates it exactly, so K identical actions get (1 − P(no action))/K to rounding.
 * If every product fell below NEGLIGIBLE, the integral is redone without that cutoff, so an action that can be
 * chosen is never given 0 (an action that wins only when each of nine rivals draws 3.6 own sds low: 1.6e-24).
 * Measured against 10⁶-draw Monte Carlo (selection-probability-bias.test.ts, selection-probability-tail.test.ts):
 * every action within 3 % or 3 reference sds, down to p = 1e-5 (the likeliest within 1 %, most within 0.5 %); a
 * chosen action winning only u₀ own sds up (u₀ = 1.5–5.5, p = 1.4e-2 to 1.9e-8) within 1 % of a Simpson reference.
 * The previous rule ('twins': midpoints with refinement only when some point counted and at most 8 distinct rivals
 * were in play, equiprobable shared strata) was 30–99 % low below p ≈ 0.02, 10 % low for a wide posterior at ρ = 0.9
 * and 0 in the far tail. Runs of competitors with identical moments share one CDF evaluation. Cost: O((SHARED_POINTS +
 * 1) × OWN_POINTS × distinct competitors × passes), one pass where the integrand is flat; no random numbers
 * (bench:selection, K = 50: cold ~120 µs, warm ~75 µs, equal values ~15 µs, against 70 / 62 / 11 for the previous
 * rule).
 */
import { sigmoid } from './logistic.js';
import { halfNormalGauss } from './half-normal-rule.js';
import { normalQuantile } from './normal-table.js';

/** Points of the shared deviate's continuous (w > 0) half: Gauss nodes (the tail rule) or strata (the previous rules). */
export const SHARED_POINTS = 6;
/** Strata of the chosen action's own deviate uᵢ. */
export const OWN_POINTS = 10;

/** Midpoints of G equiprobable strata of N(0, 1): Φ⁻¹((k + ½)/G). */
const OWN = Float64Array.from({ length: OWN_POINTS }, (_, k) => normalQuantile((k + 0.5) / OWN_POINTS));
/** The shared deviate's values and their probabilities: the atom at 0 (mass ½), then half-normal strata midpoints. */
const SHARED_VALUES = Float64Array.from({ length: SHARED_POINTS + 1 }, (_, k) =>
  k === 0 ? 0 : normalQuantile(0.5 + (k - 0.5) / (2 * SHARED_POINTS)),
);
const SHARED_WEIGHTS = Float64Array.from({ length: SHARED_POINTS + 1 }, (_, k) => (k === 0 ? 0.5 : 0.5 / SHARED_POINTS));
/**
 * The tail rule's shared values: the atom, then a SHARED_POINTS-point Gauss rule for the half-normal (the same cost;
 * equiprobable strata were 10 % low for a wide posterior that gains from a high shared draw, at ρ = 0.9).
 */
const GAUSS = halfNormalGauss(SHARED_POINTS);
const GAUSS_VALUES = Float64Array.from({ length: SHARED_POINTS + 1 }, (_, k) => (k === 0 ? 0 : GAUSS.nodes[k - 1]!));
const GAUSS_WEIGHTS = Float64Array.from({ length: SHARED_POINTS + 1 }, (_, k) => (k === 0 ? 0.5 : 0.5 * GAUSS.weights[k - 1]!));
const ATOM_VALUES = Float64Array.of(0);
const ATOM_WEIGHTS = Float64Array.of(1);

/** Φ(z), standard normal CDF, from erfc (Numerical Recipes' erfcc, |relative error| < 1.2e-7). */
export function normalCdf(z: number): number {
  const x = -z / Math.SQRT2;
  const t = 1 / (1 + 0.5 * Math.abs(x));
  const r =
    t *
    Math.exp(
      -x * x -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  const erfc = x >= 0 ? r : 2 - r;
  return 0.5 * erfc;
}

/** Φ tabulated on [−CDF_RANGE, CDF_RANGE] in steps of 1/CDF_STEPS_PER_UNIT, for linear interpolation. */
const CDF_RANGE = 8.5;
const CDF_STEPS_PER_UNIT = 256;
const CDF_TABLE: Float64Array = Float64Array.from({ length: 2 * CDF_RANGE * CDF_STEPS_PER_UNIT + 2 }, (_, i) =>
  normalCdf(i / CDF_STEPS_PER_UNIT - CDF_RANGE),
);

/**
 * Φ(z) by linear interpolation in a table: interpolation error ≤ h²/8 · max|φ'| ≈ 5e-7 (h = 1/256), the same order
 * as the erfc approximation it samples, at a fraction of the cost (the quadrature evaluates Φ G × K times).
 */
export function normalCdfFast(z: number): number {
  if (!(z > -CDF_RANGE)) return z <= -CDF_RANGE ? 0 : Number.NaN;
  if (z >= CDF_RANGE) return 1;
  const position = (z + CDF_RANGE) * CDF_STEPS_PER_UNIT;
  const i = Math.floor(position);
  const frac = position - i;
  return CDF_TABLE[i]! + frac * (CDF_TABLE[i + 1]! - CDF_TABLE[i]!);
}

/**
 * P(pⱼ < t) (inclusive = false) or P(pⱼ ≤ t) (inclusive = true) for a logistic priority scale·σ(z), z ~ N(centre, sd²).
 */
function priorityBelow(t: number, centre: number, sd: number, scale: number, inclusive: boolean): number {
  if (!(scale > 0)) return inclusive ? (t >= 0 ? 1 : 0) : t > 0 ? 1 : 0;
  if (t >= scale) return 1;
  if (t <= 0) return 0; // σ(z) > 0
  const z = Math.log(t / (scale - t));
  if (!(sd > 0)) return z > centre || (inclusive && z === centre) ? 1 : 0;
  return normalCdfFast((z - centre) / sd);
}

export interface ScoreMoments {
  /** m per action. */
  means: Float64Array;
  /** √v per action. */
  sds: Float64Array;
  /** value × lever per action. */
  scales: Float64Array;
  /** ρ in [0, 1): the share of the deviates' variance common to all actions. */
  correlation: number;
  /**
   * Optional per-action thresholds τⱼ on the priority (arbitration.ts: the priority and propensity thresholds and the
   * contact cost folded into one bar). With them action j is eligible only when pⱼ ≥ τⱼ, so a rival blocks i at level
   * t only when it draws above max(t, τⱼ), and the `threshold` arguments below are ignored. Whether the bar is strict
   * (the cost is: net value > 0) does not matter here: for a rival with spread {pⱼ = τⱼ} has probability 0, and
   * certain rivals (sd 0) are compared with the same tie rule as without thresholds.
   */
  taus?: Float64Array;
}

/** Conditional sds above a rival's conditional centre beyond which its draw is treated as impossible. */
const PRUNE_SDS = 6;
/** Below this, the chosen action's chance at a level is treated as 0 (saves the remaining CDFs). */
const NEGLIGIBLE = 1e-12;
/** Strata whose chance is at most this are treated as not counting when deciding whether to refine. */
const REFINE_LEVEL = 1e-6;
/** At most this many passes of the inner rule, each over the part of the previous range that counts. */
const REFINE_PASSES = 4;
/**
 * Refinement runs only when at most this many distinct competitors are in play (a cold catalog: identical actions are
 * one competitor): with many distinct ones each pass costs a full sweep of CDFs, and the first pass is kept.
 */
const REFINE_MAX_RIVALS = 8;

/**
 * The tail rule refines while a bound on the midpoint rule's error where the integrand rises most, weighted by the
 * shared value's weight, is above this share of the probability so far (a bound: the actual error is a fraction of
 * it; 0.002 cost 2.5× as much for the same answers to within the tests' bands).
 */
const TAIL_TOLERANCE = 0.01;
/** At most this many passes of the tail rule (each narrows the range five- to tenfold). */
const TAIL_PASSES = 16;
/** The top stratum is not subdivided below this width of v's range: 1 − v is resolved to ~1e-16 near 1. */
const TAIL_FLOOR = 1e-12;

/**
 * `chosenProbability`'s inner rule. 'tail' (the default): the midpoint rule, refined where the mass concentrates and
 * in the top stratum until its error bound is small (issue #11: a chosen action that wins only in its upper tail got
 * probability 0, and rare choices among distinct rivals were 4–99 % low). 'twins': the rule before it (exact twins,
 * refinement only when some point counts and at most REFINE_MAX_RIVALS rivals), kept for bench:selection's side by
 * side. 'midpoint': the version before that (no exact twins), for the oracle test's verbatim copy.
 */
export type QuadratureRule = 'tail' | 'twins' | 'midpoint';

/** The largest double below 1. */
const BELOW_ONE = 1 - 2 ** -53;
/**
 * Φ⁻¹ of the midpoint of stratum g of OWN_POINTS in (from, from + width). When the part of i's draw that clears its
 * bar has a mass of a few ulps (1 − mass rounds to within ulps of 1), the midpoint can round to 1, where the quantile
 * is infinite (normalQuantile throws); the largest double below 1 stands in, which changes nothing elsewhere.
 */
function stratumQuantile(from: number, width: number, g: number): number {
  return normalQuantile(Math.min(BELOW_ONE, from + (width * (g + 0.5)) / OWN_POINTS));
}

/**
 * The normal quantiles of the OWN_POINTS stratum midpoints of (from, 1), memoised: without a threshold every range
 * starts at 0 or at a stratum boundary of a previous pass, so a handful of ranges recur in every decision.
 * Undefined once the memo is full (the caller then computes them).
 */
const NODE_MEMO = new Map<number, Float64Array>([[0, OWN]]);
const NODE_MEMO_LIMIT = 4096;
function stratumNodes(from: number): Float64Array | undefined {
  let nodes = NODE_MEMO.get(from);
  if (nodes === undefined && NODE_MEMO.size < NODE_MEMO_LIMIT) {
    const width = 1 - from;
    nodes = Float64Array.from({ length: OWN_POINTS }, (_, g) => stratumQuantile(from, width, g));
    NODE_MEMO.set(from, nodes);
  }
  return nodes;
}

/** Φ⁻¹ of v = w^(1/power) at the midpoint w of stratum g of OWN_POINTS in (from, from + width) (the twins' rule). */
function twinQuantile(power: number, from: number, width: number, g: number): number {
  return normalQuantile(Math.min(BELOW_ONE, Math.pow(from + (width * (g + 0.5)) / OWN_POINTS, 1 / power)));
}

/** `stratumNodes` for the twins' rule: memoised by (power, from), which recur as the plain rule's ranges do. */
const TWIN_MEMO = new Map<number, Map<number, Float64Array>>();
let twinMemoSize = 0;
function twinNodes(power: number, from: number): Float64Array | undefined {
  let byFrom = TWIN_MEMO.get(power);
  let nodes = byFrom?.get(from);
  if (nodes === undefined && twinMemoSize < NODE_MEMO_LIMIT) {
    const width = 1 - from;
    nodes = Float64Array.from({ length: OWN_POINTS }, (_, g) => twinQuantile(power, from, width, g));
    if (!byFrom) TWIN_MEMO.set(power, (byFrom = new Map()));
    byFrom.set(from, nodes);
    twinMemoSize++;
  }
  return nodes;
}

/**
 * Per-rival working arrays of `chosenProbability`, reused from call to call and grown on demand: at K ≈ 50 a fresh
 * set per decision was eleven allocations. A call writes every entry it reads before reading it, so nothing carries
 * over between calls (and each worker thread has its own module instance).
 */
function workArrays(size: number) {
  const f = (): Float64Array => new Float64Array(size);
  const [counts, sd, scale, centre, reach, bar, floor, barLevel, barConstant] = [f(), f(), f(), f(), f(), f(), f(), f(), f()];
  return { size, rivals: new Int32Array(size), live: new Int32Array(size), kind: new Uint8Array(size), counts, sd, scale, centre, reach, bar, floor, barLevel, barConstant };
}
let work = workArrays(0);
function workFor(n: number): ReturnType<typeof workArrays> {
  if (n > work.size) work = workArrays(Math.max(n, 2 * work.size, 64));
  return work;
}
/** A pass's score nodes, their levels t and P(i beats every rival) at each. */
const NODE_Z = new Float64Array(OWN_POINTS);
const NODE_LEVEL = new Float64Array(OWN_POINTS);
const NODE_VALUE = new Float64Array(OWN_POINTS);
/** The tail rule's integral over each stratum of a pass (its midpoint value, corrected). */
const NODE_CONTRIBUTION = new Float64Array(OWN_POINTS);

/**
 * How a rival's P(pⱼ below t) is evaluated, fixed per call: SAME_SCALE (i's value × lever and a spread: compare
 * scores, no logarithm), LOGIT (a positive scale of its own and a spread: one logarithm), OTHER (`priorityBelow`'s
 * edge cases: no spread or a non-positive scale).
 */
const SAME_SCALE = 0;
const LOGIT = 1;
const OTHER = 2;

/**
 * The probability that the policy chooses action i (one slot, logistic scores, threshold T).
 *
 * The loops compute what "P(i beats every rival | z)" over the rivals in index order computes, with these savings:
 * no closure or per-call arrays; the per-rival case analysis made once per call (`kind`), the bars' logits once per
 * call, one σ per run of rivals with the same mean and sd; rivals whose reach is below every level of a pass left out
 * of it; and the nodes taken from the top down, so that the nodes under one whose product vanished cost nothing. The
 * surviving rivals keep their order, so each product is the same sequence of multiplications, stopping at the same
 * factor (NEGLIGIBLE), as before: the answers agree with the previous version to the bit on every instance tested,
 * and to 1e-12 by construction (selection-probability-oracle.test.ts).
 *
 * `rule` (QuadratureRule): 'tail' by default; 'twins' and 'midpoint' are the previous rules, kept for bench:selection
 * and so the oracle test can check the rest of this function against its verbatim copy.
 */
export function chosenProbability(i: number, k: number, moments: ScoreMoments, threshold: number, rule: QuadratureRule = 'tail'): number {
  const p = integrate(i, k, moments, threshold, rule, NEGLIGIBLE);
  // A product below NEGLIGIBLE at every node (an action that wins only when every rival draws far below its bar): once
  // more without the cutoff, so an action that can be chosen never gets probability 0 (rare: an answer of 0 alone).
  return p === 0 && rule === 'tail' ? integrate(i, k, moments, threshold, rule, 0) : p;
}

function integrate(i: number, k: number, moments: ScoreMoments, threshold: number, rule: QuadratureRule, cutoff: number): number {
  const exactTwins = rule !== 'midpoint';
  const tail = rule === 'tail';
  const { means, sds, scales, correlation, taus } = moments;
  if (taus) threshold = taus[i]!;
  const common = Math.sqrt(correlation);
  const own = Math.sqrt(1 - correlation);
  const scale = scales[i]!;
  const sd = sds[i]!;
  const { values, weights } = sharedRule(correlation, rule);
  if (!(scale > 0)) {
    // A zero value or lever: the priority is 0 in every draw; it wins only when nothing else can beat 0.
    return 0 >= threshold ? Math.min(1, allBelow(k, moments, 0, i, rule)) : 0;
  }
  if (!(scale > threshold)) return 0; // σ(z) < 1: the priority never reaches a threshold ≥ scale
  // The threshold in score units: i must draw z ≥ zT (−∞ when every draw clears it).
  const zT = threshold > 0 ? Math.log(threshold / (scale - threshold)) : -Infinity;
  const w = workFor(k);
  const { rivals, counts, sd: rivalSd, scale: rivalScale, centre: rivalCentre, reach, bar: rivalBar, floor, barLevel, barConstant, kind, live } = w;
  // Runs of competitors with identical moments (a cold catalog: every fresh action has the same prior) share one CDF
  // per level, raised to their count; the rest are evaluated one by one.
  let n = 0;
  let previous = -1; // the group of the last rival with a spread (catalogs list identical actions side by side)
  // Twins: rivals with i's own moments, scale and bar (a cold catalog of equal values). Their factor at i's level v is
  // v itself, so they are integrated exactly (below) instead of as rivals.
  let twins = 0;
  const tauI = taus ? taus[i]! : 0;
  for (let j = 0; j < k; j++) {
    if (j === i) continue;
    if (exactTwins && sd > 0 && sds[j] === sd && means[j] === means[i] && scales[j] === scale && (!taus || taus[j] === tauI)) {
      twins++;
      continue;
    }
    if (sds[j]! > 0 && previous >= 0) {
      const r = rivals[previous]!;
      if (means[r] === means[j] && sds[r] === sds[j] && scales[r] === scales[j] && (!taus || taus[r] === taus[j])) {
        counts[previous] = counts[previous]! + 1;
        continue;
      }
    }
    // A new group; a certain competitor (no spread) keeps a group of its own (the tie rule depends on its index).
    rivals[n] = j;
    counts[n] = 1;
    previous = sds[j]! > 0 ? n : -1;
    n++;
  }
  const spread = sd * own;
  // Per rival (a group of identical ones): its conditional sd and scale, its own bar τⱼ (−∞ without thresholds) and,
  // per shared value, its conditional centre, its priority at 6 conditional sds above it (a rival whose bound is below
  // a level surely stays below it: its CDF there is 1 to within 1e-9, so it costs no logarithm or CDF) and
  // P(pⱼ < τⱼ | c): below its bar it blocks nobody, so at a level t < τⱼ its chance of staying harmless is that constant.
  for (let r = 0; r < n; r++) {
    const j = rivals[r]!;
    rivalSd[r] = sds[j]! * own;
    rivalScale[r] = scales[j]!;
    rivalBar[r] = taus ? taus[j]! : -Infinity;
    kind[r] = rivalSd[r]! > 0 ? (rivalScale[r] === scale ? SAME_SCALE : rivalScale[r]! > 0 ? LOGIT : OTHER) : OTHER;
    // P(pⱼ < τⱼ | c) as priorityBelow computes it, with the bar's logit (the same for every shared value) taken once.
    barConstant[r] = levelConstant(rivalBar[r]!, rivalScale[r]!, false);
    if (Number.isNaN(barConstant[r]!)) barLevel[r] = Math.log(rivalBar[r]! / (rivalScale[r]! - rivalBar[r]!));
  }
  let total = 0;
  for (let q = 0; q < values.length; q++) {
    const shift = common * values[q]!;
    const centre = means[i]! + sd * shift;
    // The part of i's conditional draw that clears the threshold, u ≥ uT: its mass and, when the threshold cuts,
    // strata of that part alone (so the threshold costs no quadrature error).
    const uT = spread > 0 ? (zT - centre) / spread : centre >= zT ? -Infinity : Infinity;
    const mass = uT === -Infinity ? 1 : 1 - normalCdf(uT);
    if (!(mass > 0)) continue;
    // Rivals with the same mean and sd (a cold catalog whose values differ) share the σ of their bound.
    let sameMean = Number.NaN;
    let sameSd = Number.NaN;
    let bound = 0;
    for (let r = 0; r < n; r++) {
      const j = rivals[r]!;
      const c = (rivalCentre[r] = means[j]! + sds[j]! * shift);
      if (means[j] !== sameMean || sds[j] !== sameSd) {
        sameMean = means[j]!;
        sameSd = sds[j]!;
        bound = sigmoid(c + PRUNE_SDS * rivalSd[r]!);
      }
      reach[r] = rivalScale[r]! * bound;
      // A rival that cannot reach its own bar never blocks: reach below every level skips it.
      if (reach[r]! < rivalBar[r]!) reach[r] = -Infinity;
      else if (rivalBar[r]! > -Infinity) floor[r] = below(barLevel[r]!, barConstant[r]!, c, rivalSd[r]!, false);
    }
    // Midpoint rule over OWN_POINTS equal strata of the level v ∈ (1 − mass, 1). The integrand rises with v, so its
    // mass sits at the top when many actions compete (K identical rivals: v^(K−1)); while the lowest strata contribute
    // nothing, another pass spends every point on the part that does (from one stratum below the first that counts).
    // With r twins the integrand is g(v)·v^r (g: the other rivals' product); substituting w = v^(r+1) makes it
    // g(w^(1/(r+1)))/(r+1) over w ∈ ((1 − mass)^(r+1), 1), so the twins' factor, the steepest part, is integrated
    // exactly and the rule only sees g (r = 0: the plain rule, unchanged).
    const power = twins + 1;
    let from = twins === 0 ? 1 - mass : mass === 1 ? 0 : Math.pow(1 - mass, power);
    let inner = 0;
    // The tail rule's range is (from, to) and the integrand's bounds at its ends: at the top of i's range its
    // supremum, P(i beats every rival | i's level is its scale), computed when first needed; at the bottom the
    // midpoint of the stratum below once a stratum was subdivided (NaN before: the bottom stratum's own midpoint).
    let to = 1;
    let upper = Number.NaN;
    let lower = Number.NaN;
    const passes = tail ? TAIL_PASSES : n <= REFINE_MAX_RIVALS ? REFINE_PASSES : 1;
    for (let pass = 0; pass < passes; pass++) {
      const width = to - from;
      const nodes = to !== 1 ? undefined : twins === 0 ? stratumNodes(from) : twinNodes(power, from);
      for (let g = 0; g < OWN_POINTS; g++) {
        NODE_Z[g] = centre + spread * (nodes ? nodes[g]! : twins === 0 ? stratumQuantile(from, width, g) : twinQuantile(power, from, width, g));
        NODE_LEVEL[g] = scale * sigmoid(NODE_Z[g]!);
      }
      // A rival whose reach is below every level of the pass is skipped at every node: it leaves the pass's list
      // (which keeps the index order, so the products are the same sequence of multiplications).
      let lowest = Infinity;
      for (let g = 0; g < OWN_POINTS; g++) lowest = Math.min(lowest, NODE_LEVEL[g]!);
      let liveCount = 0;
      for (let r = 0; r < n; r++) if (!(reach[r]! < lowest)) live[liveCount++] = r;
      // From the top node down: a lower node has a lower level and score, so each rival's chance of staying below i
      // there is no larger and every partial product no larger; once a node's product fell below NEGLIGIBLE (the
      // oracle's exit: exactly 0) the ones under it do as well, and are 0 without a CDF. The nodes' levels and scores
      // are checked to fall; elsewhere rounding could at most move a product across NEGLIGIBLE by ulps, a change
      // below 1e-12 in the answer.
      let zeroBelow = false;
      for (let g = OWN_POINTS - 1; g >= 0; g--) {
        const z = NODE_Z[g]!;
        const t = NODE_LEVEL[g]!;
        if (zeroBelow && t <= NODE_LEVEL[g + 1]! && z <= NODE_Z[g + 1]!) {
          NODE_VALUE[g] = 0;
          continue;
        }
        zeroBelow = false;
        const product = beatsAll(w, liveCount, true, i, z, t, cutoff);
        if (product === 0) zeroBelow = true;
        NODE_VALUE[g] = product;
      }
      let firstCounting = -1;
      let sum = 0;
      for (let g = 0; g < OWN_POINTS; g++) {
        if (firstCounting < 0 && NODE_VALUE[g]! > REFINE_LEVEL) firstCounting = g;
        sum += NODE_VALUE[g]!;
      }
      const stratum = width / (OWN_POINTS * power); // one stratum's mass (in v, or in w = v^(r+1) with r twins)
      if (!tail) {
        inner = stratum * sum;
        if (firstCounting < 2) break;
        from += (width * (firstCounting - 1)) / OWN_POINTS;
        continue;
      }
      // The tail rule.
      // Every stratum's integral lies between the integrand at its ends (it rises with v), so the midpoint rule's
      // error where the integrand rises by d between two neighbouring midpoints (or between the top midpoint and the
      // supremum, far above it when i wins only in its upper tail) is at most a stratum's mass times d. The two strata
      // around the largest rise (the top one alone above the top midpoint) are subdivided (G strata of their own, the
      // next pass) while that bound, times the shared value's weight, is above TAIL_TOLERANCE of the probability so
      // far (the shared values before this one and this one's estimate: so while nothing counts yet, whenever the
      // integrand can rise at all), down to TAIL_FLOOR; the other strata are kept, 1..G−2 weighted by their log-linear
      // correction (logLinearFactor: the integrand rises by a factor of 3–7 a stratum where a rare choice starts to
      // win, and a midpoint on such a convex rise is ~8 % low).
      const f = NODE_VALUE;
      if (Number.isNaN(upper)) upper = beatsAll(w, n, false, i, Infinity, scale, cutoff);
      let corrected = 0;
      for (let g = 0; g < OWN_POINTS; g++) {
        const contribution = g === 0 || g === OWN_POINTS - 1 ? f[g]! : f[g]! * logLinearFactor(f[g - 1]!, f[g]!, f[g + 1]!);
        NODE_CONTRIBUTION[g] = contribution;
        corrected += contribution;
      }
      let rise = -1;
      let steepest = 0; // the rise from midpoint `steepest` to the next (−1: from the range's lower end to midpoint 0)
      for (let g = -1; g < OWN_POINTS; g++) {
        const d = (g < OWN_POINTS - 1 ? f[g + 1]! : upper) - (g >= 0 ? f[g]! : Number.isNaN(lower) ? f[0]! : lower);
        if (d >= rise) {
          rise = d;
          steepest = g;
        }
      }
      const estimate = inner + stratum * corrected;
      if (pass < passes - 1 && width > TAIL_FLOOR && rise > 0 && weights[q]! * stratum * rise > TAIL_TOLERANCE * (total + weights[q]! * estimate)) {
        const first = Math.max(steepest, 0);
        const last = Math.min(steepest + 1, OWN_POINTS - 1);
        let refined = 0;
        for (let g = first; g <= last; g++) refined += NODE_CONTRIBUTION[g]!;
        inner += stratum * (corrected - refined);
        if (first > 0) lower = f[first - 1]!;
        if (last < OWN_POINTS - 1) upper = f[last + 1]!;
        if (last < OWN_POINTS - 1) to = from + (width * (last + 1)) / OWN_POINTS;
        from += (width * first) / OWN_POINTS;
        continue;
      }
      inner = estimate;
      break;
    }
    total += weights[q]! * inner;
  }
  return Math.min(1, total); // rounding can carry a certain choice a few ulps past 1
}

/**
 * P(i beats every rival | i's score is z and its priority t), over the first `count` rivals of the pass's live list
 * (`live`) or of all of them: the product in index order, 0 once it falls below `cutoff` (NEGLIGIBLE, or 0). z = +∞ and t = i's scale
 * give the integrand's supremum (i's draw at the top of its range).
 */
function beatsAll(w: ReturnType<typeof workArrays>, count: number, live: boolean, i: number, z: number, t: number, cutoff: number): number {
  const { rivals, counts, sd: rivalSd, scale: rivalScale, centre: rivalCentre, reach, bar: rivalBar, floor, kind } = w;
  let product = 1;
  for (let a = 0; a < count; a++) {
    const r = live ? w.live[a]! : a;
    if (reach[r]! < t) continue; // surely below t
    let factor: number;
    if (t < rivalBar[r]!) {
      factor = floor[r]!;
    } else {
      const kindR = kind[r]!;
      if (kindR === SAME_SCALE) {
        // With i's value × lever, j's priority is below t exactly when its score is below z: no logit needed.
        factor = normalCdfFast((z - rivalCentre[r]!) / rivalSd[r]!);
      } else if (kindR === LOGIT) {
        const s = rivalScale[r]!;
        factor = t >= s ? 1 : t <= 0 ? 0 : normalCdfFast((Math.log(t / (s - t)) - rivalCentre[r]!) / rivalSd[r]!);
      } else {
        factor = priorityBelow(t, rivalCentre[r]!, rivalSd[r]!, rivalScale[r]!, rivals[r]! > i);
      }
    }
    product *= counts[r] === 1 ? factor : Math.pow(factor, counts[r]!);
    if (product < cutoff || product === 0) return 0;
  }
  return product;
}

/**
 * The midpoint's correction factor for a stratum whose integrand is log-linear: ∫ e^(αx) over a stratum is the
 * midpoint times sinh(a/2)/(a/2), a = α × the stratum's width. a is estimated from the neighbouring midpoints, the
 * smaller of the two one-sided log-ratios: for a steady exponential rise both agree; where the integrand bends (it
 * saturates, or jumps: a well-learned rival) the smaller one keeps the factor from overshooting (1 where a neighbour
 * is 0). Always ≥ 1 and ≤ the exact factor for a log-concave integrand.
 */
function logLinearFactor(below: number, at: number, above: number): number {
  if (!(below > 0 && at > below && above > at)) return 1;
  const a = Math.min(Math.log(at / below), Math.log(above / at));
  const half = 0.5 * a;
  return half < 1e-4 ? 1 + (half * half) / 6 : Math.sinh(half) / half;
}

/** The probability that no action clears the threshold: E_c Π P(pⱼ < T | c). */
export function noActionProbabilityExact(k: number, moments: ScoreMoments, threshold: number, rule: QuadratureRule = 'tail'): number {
  return Math.min(1, allBelow(k, moments, threshold, -1, rule)); // the weights' rounding can carry a sure silence past 1
}

/** The shared deviate's quadrature nodes and weights: the atom at 0 alone when nothing is shared. */
function sharedRule(correlation: number, rule: QuadratureRule): { values: Float64Array; weights: Float64Array } {
  if (!(correlation > 0)) return { values: ATOM_VALUES, weights: ATOM_WEIGHTS };
  return rule === 'tail' ? { values: GAUSS_VALUES, weights: GAUSS_WEIGHTS } : { values: SHARED_VALUES, weights: SHARED_WEIGHTS };
}

/**
 * E_c Π_{j ≠ skip} P(pⱼ below t | c): every action but `skip` stays below t — strictly for j < skip (and for every j
 * when skip is −1), at most t for j > skip (ties go to the lower index, as in `decide`).
 */
function allBelow(k: number, moments: ScoreMoments, t: number, skip: number, rule: QuadratureRule): number {
  const { means, sds, scales, correlation, taus } = moments;
  const common = Math.sqrt(correlation);
  const own = Math.sqrt(1 - correlation);
  const { values, weights } = sharedRule(correlation, rule);
  // Each action's level does not depend on the shared value: its logit (or a constant answer) is taken once.
  const { barLevel: level, barConstant: constant } = workFor(k);
  for (let j = 0; j < k; j++) {
    if (j === skip) continue;
    const tj = taus ? (skip < 0 ? taus[j]! : Math.max(t, taus[j]!)) : t;
    constant[j] = levelConstant(tj, scales[j]!, skip >= 0 && j > skip);
    if (Number.isNaN(constant[j]!)) level[j] = Math.log(tj / (scales[j]! - tj));
  }
  let total = 0;
  for (let q = 0; q < values.length; q++) {
    let product = 1;
    for (let j = 0; j < k && product > 0; j++) {
      if (j !== skip) product *= below(level[j]!, constant[j]!, means[j]! + sds[j]! * common * values[q]!, sds[j]! * own, skip >= 0 && j > skip);
    }
    total += weights[q]! * product;
  }
  return total;
}

/**
 * `priorityBelow(t, ·, ·, scale, inclusive)` where it does not depend on the centre or sd (no spread needed): 1 or 0,
 * or NaN when it does — then `below` finishes it from the level's logit log(t / (scale − t)).
 */
function levelConstant(t: number, scale: number, inclusive: boolean): number {
  if (!(scale > 0)) return inclusive ? (t >= 0 ? 1 : 0) : t > 0 ? 1 : 0;
  if (t >= scale) return 1;
  if (t <= 0) return 0;
  return Number.NaN;
}

/** `priorityBelow` split at the logit: the constant when there is one, else the comparison or the CDF. */
function below(level: number, constant: number, centre: number, sd: number, inclusive: boolean): number {
  if (!Number.isNaN(constant)) return constant;
  if (!(sd > 0)) return level > centre || (inclusive && level === centre) ? 1 : 0;
  return normalCdfFast((level - centre) / sd);
}

/**
 * The standard error the Monte Carlo selection probability states (thompson.ts `decide`): its estimate p̂ is the
 * frequency of the action over the M re-draws plus the actual draw, M + 1 independent draws from the policy, so its
 * binomial standard error is √(p(1−p)/(M+1)), here with p̂ for p (the plug-in estimate; 0 when p̂ is 0 or 1, e.g. a
 * certain mandatory action). NaN when the frequency was not estimated (M = 0) or p̂ is not a probability.
 */
export function monteCarloError(probability: number, draws: number): number {
  if (!(draws > 0) || !(probability >= 0 && probability <= 1)) return Number.NaN;
  return Math.sqrt((probability * (1 - probability)) / (draws + 1));
}
