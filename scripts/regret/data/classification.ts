/**
 * A classification data set as a bandit (Riquelme et al. 2018, `classification_to_bandit_problem`): one arm per
 * class, reward 1 when the arm is the row's class else 0, so the optimum is 1 every round and the regret of a
 * round is 1 − reward (the number of wrong arms). Rows are played in a per-seed shuffled order.
 */
import type { BanditProblem } from '../problem.js';
import { rowView, type EncodedRows } from './encode.js';

export function classificationProblem(
  name: string,
  encoded: EncodedRows,
  labels: Int32Array,
  k: number,
  order: Int32Array,
  rounds = order.length,
): BanditProblem {
  const n = Math.min(rounds, order.length);
  const reward = (t: number, arm: number): number => (labels[order[t]!] === arm ? 1 : 0);
  return {
    name,
    k,
    d: encoded.d,
    likelihood: 'linear',
    rounds: n,
    context: (t) => rowView(encoded, order[t]!),
    reward,
    regret: (t, arm) => 1 - reward(t, arm),
  };
}
