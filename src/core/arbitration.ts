/**
 * Arbitration v1.1 (DESIGN.md §8.4): which of one draw's priorities may be offered, and why the others are not.
 *
 * priority = p̃ × value × lever and net value = priority − contactCost. An action is offered only when its sampled
 * propensity p̃ clears the propensity threshold, its priority clears the priority threshold, and — for one slot —
 * its net value is strictly positive. With slots > 1 the cost is charged once per decision: every action of the
 * slate must clear the thresholds, and the top-`slots` slate is offered only when its summed priority exceeds the
 * cost (else nothing). So silence follows from what the models believe and what a contact costs.
 *
 * The same gate runs on the actual draw and on every Monte Carlo re-draw (thompson.ts), so the selection
 * probabilities are those of this policy; for one slot it folds into one bar per action on the priority,
 * τₖ = max(priorityThreshold, contactCost, propensityThreshold × valueₖ × leverₖ), which the quadrature of
 * selection-probability.ts reads.
 */

/** Why each action of a decision was or was not offered (`DecisionResult.status`). */
export const ACTION_STATUS = Object.freeze({
  chosen: 0,
  /** Its sampled propensity or its priority is below the threshold. */
  belowThreshold: 1,
  /** It clears the thresholds but its net value is ≤ 0 (slots > 1: the slate it belongs to is not worth the cost). */
  notWorthContact: 2,
  /** It cleared everything, but other actions took the slots. */
  outranked: 3,
  /** Its score is not finite (see `DecisionResult.unscorable`). */
  unscorable: 4,
});

/** The answer's names of the statuses, indexed by status code. */
export const ACTION_STATUS_NAMES = Object.freeze(['chosen', 'below_threshold', 'not_worth_contact', 'outranked', 'unscorable'] as const);

/** The resolved arbitration rule of one decision. */
export interface ArbitrationRule {
  /** Minimum sampled propensity (−∞ = none). */
  propensityThreshold: number;
  /** Minimum priority (−∞ = none). */
  priorityThreshold: number;
  /** The contact cost; −∞ when the caller set none (v1: no net-value rule at all). */
  cost: number;
  slots: number;
}

/** The rule from a decision's optional fields: `priorityThreshold` falls back to the v1 `threshold`. */
export function arbitrationRule(input: {
  threshold?: number;
  priorityThreshold?: number;
  propensityThreshold?: number;
  contactCost?: number;
  slots: number;
}): ArbitrationRule {
  const check = (name: string, v: number | undefined): void => {
    if (v !== undefined && Number.isNaN(v)) throw new RangeError(`${name} must not be NaN`);
  };
  check('threshold', input.threshold);
  check('priorityThreshold', input.priorityThreshold);
  check('propensityThreshold', input.propensityThreshold);
  const cost = input.contactCost;
  if (cost !== undefined && !(cost >= 0 && cost <= Number.MAX_VALUE)) throw new RangeError(`contactCost must be a finite number ≥ 0, got ${cost}`);
  return {
    propensityThreshold: input.propensityThreshold ?? -Infinity,
    priorityThreshold: input.priorityThreshold ?? input.threshold ?? -Infinity,
    cost: cost ?? -Infinity,
    slots: input.slots,
  };
}

/**
 * Status of one drawn action before the slots are filled: below_threshold, not_worth_contact (one slot, net value
 * ≤ 0) or outranked (a candidate; the caller turns the winners into chosen).
 */
export function gateStatus(rule: ArbitrationRule, sampled: number, priority: number): number {
  if (!(sampled >= rule.propensityThreshold) || !(priority >= rule.priorityThreshold)) return ACTION_STATUS.belowThreshold;
  if (rule.slots === 1 && !(priority > rule.cost)) return ACTION_STATUS.notWorthContact;
  return ACTION_STATUS.outranked;
}

/** Whether a filled slate (slots > 1) is worth its one contact: summed priority > cost. One slot: always (gated already). */
export function slateWorthIt(rule: ArbitrationRule, priority: Float64Array, top: Int32Array, count: number): boolean {
  if (rule.slots === 1 || count === 0) return true;
  if (rule.cost === -Infinity) return true;
  let sum = 0;
  for (let r = 0; r < count; r++) sum += priority[top[r]!]!;
  return sum > rule.cost;
}

/**
 * The bar on the priority below which action k can never be offered alone: for one slot every condition, for
 * slots > 1 the thresholds only (the cost applies to the slate). Used to prune re-draws and by the quadrature.
 * A non-positive value × lever makes the propensity bar meaningless on the priority scale: it is left out (the
 * caller does not use the quadrature then, and pruning stays conservative).
 */
export function priorityBar(rule: ArbitrationRule, scale: number): number {
  let bar = rule.priorityThreshold;
  if (scale > 0 && rule.propensityThreshold > -Infinity) bar = Math.max(bar, rule.propensityThreshold * scale);
  if (rule.slots === 1) bar = Math.max(bar, rule.cost);
  return bar;
}

/**
 * Why a decision that offered nothing said nothing (DESIGN.md §8.5 `noActionReason`), from its actions' statuses:
 * `not_worth_contact` when some action cleared the thresholds but not the cost, else `below_threshold`. A decision
 * with no candidate at all (`no_candidates`) or stopped by a contact limit is the caller's to name.
 */
export function noActionReasonOf(status: ArrayLike<number>): 'not_worth_contact' | 'below_threshold' {
  for (let i = 0; i < status.length; i++) if (status[i] === ACTION_STATUS.notWorthContact) return 'not_worth_contact';
  return 'below_threshold';
}

/**
 * The `excluded` reason (DESIGN.md §8.5, `explain: true`) of an action the arbitration left out, or undefined for an
 * action that was chosen, merely outranked, or unscorable (not an exclusion reason of the contract).
 */
export function exclusionReasonOf(status: number): 'below_threshold' | 'not_worth_contact' | undefined {
  return status === ACTION_STATUS.belowThreshold ? 'below_threshold' : status === ACTION_STATUS.notWorthContact ? 'not_worth_contact' : undefined;
}
