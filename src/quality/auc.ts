/**
 * AUC from prediction histograms (bins.ts): the Mann–Whitney statistic — the probability that a random positive
 * was predicted higher than a random negative — with pairs inside one bin counted ½ (their order is unknown at this
 * resolution), and its 95 % interval from the Hanley & McNeil (1982) standard error.
 */
import { Z95 } from '../core/intervals.js';
import type { PredictionBin } from './bins.js';

export interface AucEstimate {
  auc: number;
  /** Hanley–McNeil standard error. */
  se: number;
  ci95: [number, number];
  positives: number;
  negatives: number;
}

/**
 * AUC of bins ordered by prediction (ascending bin index). Null when there are no positives or no negatives.
 * Pairs within a bin count ½: against the exact AUC of the raw predictions the error is at most
 * ½·Σᵢ posᵢ·negᵢ / (P·N), and 0 when no two different predictions share a bin (test/unit/quality/auc.test.ts).
 */
export function aucFromBins(bins: readonly PredictionBin[]): AucEstimate | null {
  let negativesBelow = 0;
  let wins = 0;
  let positives = 0;
  let negatives = 0;
  let last = -Infinity;
  for (const b of bins) {
    if (b.bin <= last) throw new RangeError(`bins must be in strictly ascending order (bin ${b.bin} after ${last})`);
    last = b.bin;
    wins += b.positives * (negativesBelow + 0.5 * b.negatives);
    negativesBelow += b.negatives;
    positives += b.positives;
    negatives += b.negatives;
  }
  if (positives === 0 || negatives === 0) return null;
  const auc = wins / (positives * negatives);
  const se = hanleyMcNeilSe(auc, positives, negatives);
  return { auc, se, ci95: [Math.max(0, auc - Z95 * se), Math.min(1, auc + Z95 * se)], positives, negatives };
}

/**
 * Hanley & McNeil (1982), "The meaning and use of the area under a ROC curve", Radiology 143: SE² =
 * [A(1 − A) + (P − 1)(Q₁ − A²) + (N − 1)(Q₂ − A²)] / (P·N) with Q₁ = A / (2 − A), Q₂ = 2A² / (1 + A).
 */
export function hanleyMcNeilSe(auc: number, positives: number, negatives: number): number {
  const q1 = auc / (2 - auc);
  const q2 = (2 * auc * auc) / (1 + auc);
  const a2 = auc * auc;
  const variance = (auc * (1 - auc) + (positives - 1) * (q1 - a2) + (negatives - 1) * (q2 - a2)) / (positives * negatives);
  return Math.sqrt(Math.max(0, variance));
}
