/** Shared by the model-quality tests: raw predictions, their exact Mann–Whitney AUC, and their histogram. */
import { PredictionTally, type PredictionBin } from '../../../src/quality/bins.js';

export interface Scored {
  /** Logit of the prediction. */
  z: number;
  positive: boolean;
}

/** The exact Mann–Whitney AUC of raw predictions: P(positive scored above negative), ties ½; null without both labels. */
export function exactAuc(rows: readonly Scored[]): number | null {
  const pos = rows.filter((r) => r.positive).map((r) => r.z);
  const neg = rows.filter((r) => !r.positive).map((r) => r.z);
  if (pos.length === 0 || neg.length === 0) return null;
  let wins = 0;
  for (const p of pos) for (const n of neg) wins += p > n ? 1 : p === n ? 0.5 : 0;
  return wins / (pos.length * neg.length);
}

/** The histogram the learner would store for these predictions (one action). */
export function histogram(rows: readonly Scored[]): PredictionBin[] {
  const tally = new PredictionTally();
  for (const r of rows) tally.add('a', r.z, r.positive);
  return tally.entries()[0]?.[1] ?? [];
}

/** The service's own σ (src/core/logistic.ts), which the tally sums. */
export { sigmoid } from '../../../src/core/logistic.js';
export const logit = (p: number): number => Math.log(p) - Math.log1p(-p);
