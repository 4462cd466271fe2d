/**
 * One contextual Thompson-sampling decision over K independent per-action posteriors sharing one context x.
 *
 * For each action the score xᵀθ is, under the posterior, N(m, v) with m = xᵀμ and v = xᵀΛ⁻¹x (times σ² for the
 * linear NIG model, σ² ~ IG(a, b)), so drawing that scalar is exactly equivalent to drawing θ and far cheaper
 * (Agrawal & Goyal 2013, "Thompson sampling for contextual bandits with linear payoffs"; Chapelle & Li 2011).
 * v costs one forward substitution with the kept Cholesky factor, O(d²). Arbitration is Pega's
 * priority = sampled propensity × value × lever, gated by the thresholds and the contact cost (arbitration.ts); the
 * top `slots` actions that pass win.
 *
 * Per-action slot: x may differ per action in one slot (`slotOverride`, the contact-history slot "this customer's
 * recent ignores of this action"). Each action's m and v are the shared part's plus that slot's patch, so scoring
 * stays O(nnz²) per action with a kept covariance and x is never copied per action.
 *
 * Shared optimism: the deviate behind action i's draw is εᵢ = √ρ·max(0, w) + √(1−ρ)·uᵢ, with one common w per
 * decision and independent uᵢ, all standard normal (ρ = `DRAW_CORRELATION` by default). See `DRAW_CORRELATION`
 * for why.
 *
 * Allocation: everything per action lives in the caller's `DecisionScratch`; a call allocates only the small
 * `chosen` array and the result object.
 */
import { ACTION_STATUS, arbitrationRule, gateStatus, priorityBar, slateWorthIt, type ArbitrationRule } from './arbitration.js';
import { ensureCapacity, type DecisionScratch } from './decision-scratch.js';
import { quadFormInverse } from './linalg.js';
import { NORMAL_TABLE, NORMAL_TABLE_MASK } from './normal-table.js';
import { diagonalQuadForm, isDiagonalFactor, markContenders, selectTop, sparseQuadForm } from './contenders.js';
import { chosenProbability, noActionProbabilityExact } from './selection-probability.js';
import { sigmoid } from './logistic.js';
import type { Posterior, Rng } from './types.js';
import { predictiveFromMoments } from './update.js';

/**
 * ρ, the share of a Thompson deviate's variance that is common to every action of one decision: action i is scored
 * at z = m + √v·εᵢ with εᵢ = √ρ·max(0, w) + √(1−ρ)·uᵢ (w shared, uᵢ its own; ρ = 0 is textbook independent
 * Thompson sampling).
 *
 * Why share: with independent draws the winner is the action with the luckiest of K deviates, and the largest of K
 * deviates grows like √(2 ln K) — the more actions, the more the policy plays whichever is most uncertain rather than
 * whichever is most likely best. A shared deviate gives every action the same optimism in one decision: scored at
 * the same upper quantile, the action with the best upside wins — a UCB with a random width, the family Vaswani,
 * Mehrabian, Durand & Kveton 2020, "Old dog learns new tricks: randomized UCB for bandit problems" (AISTATS),
 * analyse, with regret bounds like Thompson sampling's for suitable width distributions. Why max(0, w): a pessimistic
 * shared draw would only push every action down together — the ranking then follows the least certain actions' downside — so
 * half the decisions are scored near the posterior means instead (optimistic sampling, May, Korda, Lee & Leslie 2012,
 * applied to the shared part). Why keep an own part: it spreads exploration over the plausible actions when
 * feedback is delayed or batched — fully shared draws explore only the actions on the upper envelope of the score
 * curves, the same few for every decision between two learner cycles — and it breaks ties between identical (cold)
 * posteriors at random.
 *
 * Evidence (scripts/bench-regret.ts; README, "Defaults and the evidence for them"): against independent optimistic
 * draws, the previous default, synthetic-logistic went from 567 to 442 per round and from 619 to 496 in batches of
 * 1,000 (seeds 1–5; over seeds 1–20: 427 and 479); statlog 7.70 → 7.47 % of Uniform, adult 76.3 → 74.6 %, delayed
 * feedback (δ = 1) 9,701 → 7,974; mushroom stayed within its heavy-tailed noise. Fully shared draws (ρ → 1) and a
 * plain Gaussian copula (no max(0, ·)) at ρ = 0.75 and 0.9 were measured too and were no better.
 */
export const DRAW_CORRELATION = 0.9;

export { createDecisionScratch, type DecisionScratch } from './decision-scratch.js';
export { ACTION_STATUS, ACTION_STATUS_NAMES, exclusionReasonOf, noActionReasonOf } from './arbitration.js';

export interface DecisionInput {
  /** The K candidate actions' posteriors, all of dimension x.length. */
  posteriors: readonly Posterior[];
  /** Business value of each action (length ≥ K). */
  values: Float64Array;
  /** Business lever of each action (length ≥ K). */
  levers: Float64Array;
  /** The encoded context (bias in slot 0). */
  x: Float64Array;
  /** v1 name of `priorityThreshold`, used when that is not given. Neither: no priority threshold. */
  threshold?: number;
  /** Minimum priority (sampled propensity × value × lever) for an action to be offered. */
  priorityThreshold?: number;
  /** Minimum sampled propensity p̃ (the Thompson draw) for an action to be offered. */
  propensityThreshold?: number;
  /**
   * The channel's contact cost (≥ 0). With it an action is offered only when priority − cost > 0; with slots > 1 the
   * cost is charged once: the top-`slots` slate is offered only when its summed priority exceeds it. Absent: no
   * net-value rule (v1).
   */
  contactCost?: number;
  /**
   * x differs per action only in slot `index`: action k is scored with x[index] = values[k] (x[index] itself is
   * ignored). values needs ≥ K finite entries.
   */
  slotOverride?: { index: number; values: Float64Array };
  /** How many actions to offer at most (integer ≥ 1). */
  slots: number;
  /** Monte Carlo re-draws for the selection probabilities (integer ≥ 0). */
  probabilityDraws: number;
  /**
   * 'monte-carlo' (default): every action's probability from `probabilityDraws` re-draws. 'exact': when there is one
   * slot and every action is logistic, the chosen action's probability and the no-action probability by quadrature
   * (selection-probability.ts) — deterministic and cheaper; the other actions' entries are NaN (not computed).
   * Otherwise falls back to Monte Carlo. With probabilityDraws = 0 nothing is estimated either way.
   */
  probabilityMethod?: 'monte-carlo' | 'exact';
  /**
   * Optional covariance Λ⁻¹ per action (d×d, from `inverseFromCholesky`), kept by the caller beside each posterior.
   * With it a context's score variance costs O(nnz²) over x's non-zero slots instead of a forward substitution
   * (O(d²)) — encoded contexts are mostly one-hot and multi-hot zeros.
   */
  covariances?: readonly (Float64Array | undefined)[];
  /** ρ in [0, 1): the share of the deviates' variance common to all actions (default `DRAW_CORRELATION`; 0 = independent). */
  correlation?: number;
}

export interface DecisionResult {
  /** Indices into `posteriors`, best priority first; [] = no action is offered. */
  chosen: number[];
  /** Posterior predictive per action (MacKay-corrected response probability, or the expected reward). */
  propensity: Float64Array;
  /** The Thompson draw per action (a probability for logistic, a reward for linear). */
  sampled: Float64Array;
  /** sampled × value × lever per action. */
  priority: Float64Array;
  /** Estimated probability that the policy chooses each action (among the chosen, for slots > 1). */
  probability: Float64Array;
  /** Estimated probability that no action is offered. */
  noActionProbability: number;
  /**
   * How `probability` and `noActionProbability` were computed: 'exact' by quadrature (selection-probability.ts),
   * 'monte-carlo' from `probabilityDraws` re-draws plus the actual one, 'off' when probabilityDraws = 0 (then they are
   * the indicators of the actual choice, not probabilities).
   */
  probabilityMethod: 'exact' | 'monte-carlo' | 'off';
  /**
   * Per action, ACTION_STATUS: 0 chosen, 1 below_threshold, 2 not_worth_contact, 3 outranked, 4 unscorable
   * (names in ACTION_STATUS_NAMES).
   */
  status: Uint8Array;
  /**
   * Actions left out because their score was not finite (a posterior with a NaN or infinite mean or covariance):
   * never chosen, and reported with propensity, sampled, priority and probability 0.
   */
  unscorable: number;
}

/**
 * One Thompson draw of action i's sampled propensity (logistic: σ(z); linear: z) from its score moments and a
 * standard-normal deviate ε (the caller correlates the deviates across actions): z = m + √v·ε, times σ with
 * σ² ~ IG(a, b) drawn here for linear.
 */
function drawSample(scratch: DecisionScratch, posteriors: readonly Posterior[], i: number, epsilon: number, rng: Rng): number {
  const m = scratch.means[i]!;
  const v = scratch.variances[i]!;
  if (scratch.linear[i] === 0) return sigmoid(m + Math.sqrt(v) * epsilon);
  const post = posteriors[i]!;
  // σ² ~ IG(a, b) ⇔ b / σ² ~ Gamma(a, 1)
  const sigma2 = post.b / rng.nextGamma(post.a);
  return m + Math.sqrt(sigma2 * v) * epsilon;
}

function checkInput(input: DecisionInput): ArbitrationRule {
  const k = input.posteriors.length;
  if (input.values.length < k || input.levers.length < k) throw new RangeError(`values and levers need ${k} entries`);
  if (!Number.isInteger(input.slots) || input.slots < 1) throw new RangeError(`slots must be an integer ≥ 1, got ${input.slots}`);
  if (!Number.isInteger(input.probabilityDraws) || input.probabilityDraws < 0) {
    throw new RangeError(`probabilityDraws must be an integer ≥ 0, got ${input.probabilityDraws}`);
  }
  const rule = arbitrationRule(input);
  const rho = input.correlation;
  if (rho !== undefined && !(rho >= 0 && rho < 1)) throw new RangeError(`correlation must lie in [0, 1), got ${rho}`);
  for (let i = 0; i < k; i++) {
    const d = input.posteriors[i]!.d;
    if (d !== input.x.length) throw new RangeError(`posterior ${i} has dimension ${d}, the context ${input.x.length}`);
  }
  const override = input.slotOverride;
  if (override) {
    if (!Number.isInteger(override.index) || override.index < 0 || override.index >= input.x.length) {
      throw new RangeError(`slotOverride.index must be an integer in [0, ${input.x.length}), got ${override.index}`);
    }
    if (override.values.length < k) throw new RangeError(`slotOverride.values needs ${k} entries`);
    for (let i = 0; i < k; i++) {
      if (!Number.isFinite(override.values[i])) throw new RangeError(`slotOverride.values[${i}] must be finite`);
    }
  }
  return rule;
}

/**
 * Each action's score moments m = xᵀμ and v = xᵀΛ⁻¹x into the scratch, with slot `override.index` replaced per action.
 * The shared slots' contribution is summed over x's non-zero slots other than the overridden one; the slot's own
 * contribution is patched per action: m += xₛμₛ, v += 2xₛ·Σₛ,rest·x_rest + Σₛₛxₛ² (with a kept covariance), or one
 * forward substitution over the patched copy (without). Returns how many actions are unscorable.
 */
function scoreMoments(input: DecisionInput, scratch: DecisionScratch): { unscorable: number; anyLinear: boolean } {
  const { posteriors, x, covariances, slotOverride } = input;
  const k = posteriors.length;
  const d = x.length;
  const { means, variances, sds, linear, propensity, nonZero, nonZeroValues, scorable, work, patched } = scratch;
  const s = slotOverride ? slotOverride.index : -1;
  let nnz = 0;
  for (let j = 0; j < d; j++) {
    if (x[j] !== 0 && j !== s) {
      nonZeroValues[nnz] = x[j]!;
      nonZero[nnz++] = j;
    }
  }
  if (slotOverride && !covariances?.every((c) => c !== undefined)) patched.set(x);
  let anyLinear = false;
  let unscorable = 0;
  for (let i = 0; i < k; i++) {
    const post = posteriors[i]!;
    const xs = s >= 0 ? slotOverride!.values[i]! : 0;
    let m = s >= 0 ? xs * post.mean[s]! : 0;
    const mean = post.mean;
    for (let a = 0; a < nnz; a++) m += nonZeroValues[a]! * mean[nonZero[a]!]!;
    const cov = covariances?.[i];
    let v: number;
    if (cov) {
      v = sparseQuadForm(cov, d, nonZeroValues, nonZero, nnz);
      if (xs !== 0) {
        const row = s * d;
        let cross = 0;
        for (let a = 0; a < nnz; a++) cross += cov[row + nonZero[a]!]! * nonZeroValues[a]!;
        v = Math.max(0, v + 2 * xs * cross + cov[row + s]! * xs * xs);
      }
    } else if (isDiagonalFactor(post.cholPrecision, d)) {
      // A model at its prior (no covariance kept until the learner folds it): O(nnz) instead of a substitution.
      v = diagonalQuadForm(post.cholPrecision, d, nonZeroValues, nonZero, nnz, s, xs);
    } else if (s >= 0) {
      patched[s] = xs;
      v = quadFormInverse(post.cholPrecision, d, patched, work);
    } else {
      v = quadFormInverse(post.cholPrecision, d, x, work);
    }
    linear[i] = post.likelihood === 'linear' ? 1 : 0;
    anyLinear ||= linear[i] === 1;
    // A posterior that went non-finite (it cannot, through the guarded update; a stored or hand-built one could)
    // must not win with a NaN or ∞ priority: it sits this decision out with moments 0, so no bound or quadrature
    // below sees a NaN. A linear noise scale b that is not finite is the same failure.
    const finite = Number.isFinite(m) && Number.isFinite(v) && v >= 0 && (linear[i] === 0 || (post.b > 0 && Number.isFinite(post.b)));
    scorable[i] = finite ? 1 : 0;
    if (!finite) unscorable++;
    means[i] = finite ? m : 0;
    variances[i] = finite ? v : 0;
    sds[i] = Math.sqrt(variances[i]!);
    propensity[i] = finite ? finiteOr0(predictiveFromMoments(post.likelihood, m, v)) : 0;
  }
  return { unscorable, anyLinear };
}

/**
 * Decides which actions (if any) to offer for context x. Consumes `rng` in a fixed order (the common deviate w, the
 * K draws, then the re-draws), so a decision replays exactly from its seed.
 *
 * Which draws are offered: arbitration.ts (thresholds on the sampled propensity and on the priority, then the
 * contact cost on the net value, or on the slate's summed priority for slots > 1); `status` says why each action was
 * or was not offered.
 *
 * `probability[i]` and `noActionProbability` are Monte Carlo frequencies over probabilityDraws fresh re-draws of
 * the K scores (reusing m and v) plus the draw that was actually made, each gated by the same rule: M + 1
 * independent draws from the policy, which keeps the estimate unbiased and guarantees every chosen action a
 * probability ≥ 1/(M+1) (so inverse propensity weights in off-policy evaluation stay finite). With M = 0 it is the
 * indicator of the actual choice. For slots = 1, Σ probability + noActionProbability = 1.
 *
 * Re-draws skip actions that cannot win: a logistic action whose priority at z = m + 6√v (a 1-in-10⁹ upper tail)
 * stays below the `slots`-th best priority any surely eligible action reaches (at z = m − 6√v), or below its own bar
 * (the thresholds and, for one slot, the cost), keeps probability 0 without being re-drawn. Once models have
 * learned, most of a large catalog is pruned this way and the Monte Carlo cost follows the handful of actions that
 * are really in contention. (The actual Thompson draw is always made for every action.)
 *
 * The returned typed arrays are views into `scratch`, valid until its next use.
 */
export function decide(input: DecisionInput, rng: Rng, scratch: DecisionScratch): DecisionResult {
  const rule = checkInput(input);
  const { posteriors, values, levers, x, slots, probabilityDraws } = input;
  const k = posteriors.length;
  ensureCapacity(scratch, k, x.length);
  const { means, sds, linear, sampled, priority, probability, drawPriority, counts, top, scorable, status, bars, scales } = scratch;
  let { unscorable, anyLinear } = scoreMoments(input, scratch);

  const rho = input.correlation ?? DRAW_CORRELATION;
  const commonScale = Math.sqrt(rho);
  const ownScale = Math.sqrt(1 - rho);
  const common = commonScale * Math.max(0, rng.nextNormal());
  for (let i = 0; i < k; i++) {
    // Drawn even when unscorable, so the RNG is consumed in the same order whatever the posteriors hold.
    // A linear draw can overflow (σ² = b / Gamma(a) with a tiny Gamma draw): the largest finite number keeps its rank.
    const s = clampFinite(drawSample(scratch, posteriors, i, common + ownScale * rng.nextNormal(), rng));
    const p = s * values[i]! * levers[i]!; // NaN only as 0 × ∞: a value × lever beyond the limits (stored before them)
    scales[i] = values[i]! * levers[i]!;
    bars[i] = priorityBar(rule, scales[i]!);
    if (scorable[i] === 0 || Number.isNaN(p)) {
      if (scorable[i] === 1) unscorable++;
      scorable[i] = 0;
      sampled[i] = 0;
      priority[i] = Number.NaN; // reported as 0 by resultOf
      drawPriority[i] = Number.NaN; // never selected
      status[i] = ACTION_STATUS.unscorable;
      continue;
    }
    sampled[i] = s;
    priority[i] = clampFinite(p);
    status[i] = gateStatus(rule, s, priority[i]!);
    drawPriority[i] = status[i] === ACTION_STATUS.outranked ? priority[i]! : Number.NaN;
  }

  let chosenCount = selectTop(drawPriority, k, slots, -Infinity, top);
  if (!slateWorthIt(rule, drawPriority, top, chosenCount)) {
    chosenCount = 0;
    for (let i = 0; i < k; i++) if (status[i] === ACTION_STATUS.outranked) status[i] = ACTION_STATUS.notWorthContact;
  }
  const chosen: number[] = [];
  for (let r = 0; r < chosenCount; r++) {
    chosen.push(top[r]!);
    status[top[r]!] = ACTION_STATUS.chosen;
  }

  // The quadrature knows nothing of unscorable actions (it would treat one as a value-0 action), so a decision with
  // one, or whose quadrature is not finite, takes the Monte Carlo path, which leaves them out. With a propensity
  // threshold or a cost, a non-positive value × lever has no bar on the priority scale: Monte Carlo too.
  const gated = rule.propensityThreshold > -Infinity || rule.cost > -Infinity;
  let exactOk = probabilityDraws > 0 && input.probabilityMethod === 'exact' && slots === 1 && !anyLinear && unscorable === 0;
  if (exactOk && gated) for (let i = 0; i < k && exactOk; i++) exactOk = scales[i]! > 0;
  if (exactOk) {
    const moments = { means, sds, scales, correlation: rho, taus: gated ? bars : undefined };
    const threshold = rule.priorityThreshold;
    const chosenExact = chosenCount > 0 ? chosenProbability(chosen[0]!, k, moments, threshold) : 0;
    const noActionExact = noActionProbabilityExact(k, moments, threshold);
    if (Number.isFinite(chosenExact) && Number.isFinite(noActionExact)) {
      probability.fill(Number.NaN, 0, k);
      if (chosenCount > 0) probability[chosen[0]!] = chosenExact;
      return resultOf(scratch, chosen, noActionExact, 0, 'exact');
    }
  }

  counts.fill(0, 0, k);
  for (let r = 0; r < chosenCount; r++) counts[top[r]!] = 1;
  let noAction = chosenCount === 0 ? 1 : 0;
  const contenders = probabilityDraws > 0 ? markContenders(scratch, k, slots, bars, values, levers, rule.propensityThreshold) : 0;
  const { active } = scratch;
  let shared = 0;
  // Each re-draw's deviates are read from the normal quantile table (4,096 equiprobable strata midpoints) at an index
  // drawn afresh for the common deviate and for each action, so the M re-draws are independent draws of the policy
  // and the frequency's error is the binomial √(p(1−p)/(M+1)) the answer states (selection-probability.ts
  // monteCarloError). Indices in arithmetic progression (a random offset and odd stride per action) were cheaper but
  // made the actions' draws a lattice: across decisions the frequencies spread 1.2–1.4 times the binomial error
  // (test/unit/core/monte-carlo-error.test.ts). One uniform gives four 12-bit indices (48 of its 53 random bits), so
  // the independence costs a quarter of a uniform per deviate. Linear actions also draw σ² from the RNG.
  let low = 0; // the unused indices of the last uniform, 12 bits each (low first, then high)
  let high = 0;
  let left = 0;
  for (let draw = 0; draw < probabilityDraws; draw++) {
    for (let a = -1; a < contenders; a++) {
      if (left === 0) {
        const bits = Math.floor(rng.nextFloat() * TWO_POW_48);
        high = Math.floor(bits / TWO_POW_24);
        low = bits - high * TWO_POW_24;
        left = 4;
      }
      let index: number;
      if (left > 2) {
        index = low & NORMAL_TABLE_MASK;
        low >>>= 12;
      } else {
        index = high & NORMAL_TABLE_MASK;
        high >>>= 12;
      }
      left--;
      const deviate = NORMAL_TABLE[index]!;
      if (a < 0) {
        shared = commonScale * Math.max(0, deviate); // the common deviate first, then each contender's own
        continue;
      }
      const i = active[a]!;
      const epsilon = shared + ownScale * deviate;
      let s: number;
      let p: number;
      if (linear[i] === 1) {
        s = drawSample(scratch, posteriors, i, epsilon, rng);
        p = s * scales[i]!;
      } else {
        const e = 1 + Math.exp(-(means[i]! + sds[i]! * epsilon));
        s = 1 / e;
        p = scales[i]! / e;
      }
      drawPriority[i] = gateStatus(rule, s, p) === ACTION_STATUS.outranked ? p : Number.NaN;
    }
    let count = selectTop(drawPriority, k, slots, -Infinity, top);
    if (!slateWorthIt(rule, drawPriority, top, count)) count = 0;
    if (count === 0) noAction++;
    for (let r = 0; r < count; r++) counts[top[r]!] = counts[top[r]!]! + 1;
  }
  const total = probabilityDraws + 1;
  for (let i = 0; i < k; i++) probability[i] = counts[i]! / total;
  return resultOf(scratch, chosen, noAction / total, unscorable, probabilityDraws > 0 ? 'monte-carlo' : 'off');
}

const TWO_POW_24 = 2 ** 24;
const TWO_POW_48 = 2 ** 48;
const finiteOr0 = (v: number): number => (Number.isFinite(v) ? v : 0);
/** ±∞ → ±MAX_VALUE; finite values and NaN unchanged. */
const clampFinite = (v: number): number => (v > Number.MAX_VALUE ? Number.MAX_VALUE : v < -Number.MAX_VALUE ? -Number.MAX_VALUE : v);

/** The result over the scratch's length-K views; unscorable actions' entries read 0. */
function resultOf(scratch: DecisionScratch, chosen: number[], noActionProbability: number, unscorable: number, probabilityMethod: DecisionResult['probabilityMethod']): DecisionResult {
  const { propensity, sampled, priority, probability, status } = scratch.views;
  if (unscorable > 0) {
    for (let i = 0; i < priority.length; i++) {
      if (scratch.scorable[i] === 1) continue;
      propensity[i] = 0;
      sampled[i] = 0;
      priority[i] = 0;
      probability[i] = 0;
    }
  }
  return { chosen, propensity, sampled, priority, probability, noActionProbability, probabilityMethod, status, unscorable };
}
