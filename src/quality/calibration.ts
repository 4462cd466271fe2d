/**
 * Calibration deciles from prediction histograms (bins.ts): consecutive bins grouped into up to 10 groups of about
 * equal count (a bin is never split, so a bin holding more than a tenth of the outcomes makes fewer, larger groups);
 * each group gives its mean predicted probability, its observed response rate and its count, in order of prediction.
 */
import type { PredictionBin } from './bins.js';

export interface CalibrationPoint {
  /** Mean predicted response probability of the group's outcomes. */
  predicted: number;
  /** Observed response rate of the group. */
  observed: number;
  count: number;
}

export const CALIBRATION_GROUPS = 10;

export function calibrationFromBins(bins: readonly PredictionBin[], groups = CALIBRATION_GROUPS): CalibrationPoint[] {
  let total = 0;
  for (const b of bins) total += b.positives + b.negatives;
  const out: CalibrationPoint[] = [];
  if (total === 0) return out;
  let cumulative = 0;
  let next = 1; // the group closes once the cumulative count reaches next · total / groups
  let count = 0;
  let positives = 0;
  let predicted = 0;
  for (const b of bins) {
    const n = b.positives + b.negatives;
    if (n === 0) continue;
    count += n;
    positives += b.positives;
    predicted += b.predicted;
    cumulative += n;
    if (cumulative * groups >= next * total) {
      out.push({ predicted: predicted / count, observed: positives / count, count });
      count = 0;
      positives = 0;
      predicted = 0;
      // A large bin may cross several boundaries: the next group starts after the last one it crossed.
      next = Math.floor((cumulative * groups) / total) + 1;
    }
  }
  if (count > 0) out.push({ predicted: predicted / count, observed: positives / count, count });
  return out;
}
