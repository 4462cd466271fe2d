/**
 * Arbitration of a control decision (DESIGN.md §9.1): the always-on control group gets a uniform pick among the
 * actions that passed every policy (eligibility, schedule, budget, suppression, contact limit — src/domain/
 * candidates.ts ran before this), ignoring the thresholds and the contact cost, so lift measures what the models and
 * the thresholds add over "any allowed action". Mandatory actions still come first: they are regulatory (a
 * disclosure, a fraud alert), and the control group does not exempt a customer from them; when there are more of
 * them than slots, the uniform pick is among them.
 *
 * Every action is still scored (one Thompson pass with open thresholds), so the record and the answer carry the
 * model's propensity and priority and `reasons` keep working; the scores choose nothing. The logged probabilities
 * are exact under the uniform rule: an offered action's probability of being in the slate is picked / pool (1/n for
 * one slot), and the no-action probability is 0 when anything passed (1 when nothing did).
 */
import { decide } from '../core/thompson.js';
import type { Rng } from '../core/types.js';
import { pushOffered, scoringFor, windowTally, type ArbitrationInput, type ArbitrationResult, type ArbitrationScratch } from './arbitrate.js';
import { covarianceOf } from './engine-state.js';

/** `k` distinct indices of [0, n) in uniformly random order (partial Fisher–Yates: every ordered k-subset equally likely). */
export function uniformPick(n: number, k: number, rng: Rng): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  const take = Math.min(k, n);
  for (let i = 0; i < take; i++) {
    const j = i + rng.nextInt(n - i);
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  return order.slice(0, take);
}

/** The control decision's offered actions (mandatory first), their records, and the eligible ones not drawn. */
export function arbitrateControl(input: ArbitrationInput, rng: Rng, scratch: ArbitrationScratch): ArbitrationResult {
  // What a control decision logs for off-policy evaluation: exact probabilities (no Monte Carlo), and a no-action
  // probability of 0 whenever it offered something (a candidate always gets offered) and 1 when nothing passed.
  const out: ArbitrationResult = {
    decided: [],
    records: [],
    excluded: [],
    noActionReason: 'no_candidates',
    noActionProbability: 1,
    probabilityMethod: 'exact',
    probabilityDraws: 0,
  };
  const actions = input.actions;
  if (actions.length === 0) return out;

  // The model's view of every eligible action (thresholds open, no cost, no probabilities): reported, not used.
  const scoring = scoringFor(input, windowTally(input), actions, scratch);
  const { entries, slotOverride } = scoring;
  const scores = decide(
    {
      posteriors: entries.map((e) => e.posterior),
      values: Float64Array.from(actions, (a) => a.value),
      levers: Float64Array.from(actions, (a) => a.lever),
      x: input.x,
      priorityThreshold: Number.NEGATIVE_INFINITY,
      propensityThreshold: Number.NEGATIVE_INFINITY,
      slots: 1,
      probabilityDraws: 0,
      covariances: entries.map(covarianceOf),
      correlation: input.drawCorrelation,
      ...(slotOverride ? { slotOverride } : {}),
    },
    rng,
    scoring.buffers,
  );

  const offerFrom = (pool: number[], slots: number, mandatory: boolean) => {
    const picked = uniformPick(pool.length, slots, rng);
    const probability = picked.length / pool.length;
    for (const p of picked) pushOffered(out, input, scoring, actions, pool[p]!, scores, probability, mandatory);
    // Eligible but not drawn: no better reason in §8.5's list than "other actions took the slots".
    if (input.explain) {
      const drawn = new Set(picked);
      for (let p = 0; p < pool.length; p++) if (!drawn.has(p)) out.excluded.push({ actionId: actions[pool[p]!]!.id, reason: 'outranked' });
    }
  };

  const mandatory: number[] = [];
  const others: number[] = [];
  actions.forEach((a, i) => (a.mandatory ? mandatory : others).push(i));
  if (mandatory.length > 0) offerFrom(mandatory, input.slots, true);
  const left = input.slots - out.decided.length;
  if (others.length > 0) offerFrom(others, Math.max(0, left), false);
  out.noActionProbability = out.decided.length > 0 ? 0 : 1;
  return out;
}
