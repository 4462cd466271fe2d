/**
 * Prequential prediction histograms (DESIGN.md §9, issue #11 item 3). Each logistic outcome is scored by its action's
 * model before that model learns it, and counted into the bin of its prediction. AUC and calibration are read off
 * these counts (auc.ts, calibration.ts), so their cost is O(bins) per action whatever the volume.
 *
 * Binning: BIN_COUNT = 200 bins uniform on the logit z = log(p / (1 − p)) over [−10, 10] (width 0.1), z clamped to
 * the range (p < 4.5·10⁻⁵ falls in bin 0, p > 1 − 4.5·10⁻⁵ in the last). Uniform in the logit rather than in p, so
 * the low response rates a bank sees (0.1 %–5 %) get as fine a resolution as the middle; bin order is the order of p.
 */
import { sigmoid } from '../core/logistic.js';

export const BIN_COUNT = 200;
export const LOGIT_MIN = -10;
export const LOGIT_MAX = 10;
const WIDTH = (LOGIT_MAX - LOGIT_MIN) / BIN_COUNT;

/** One bin's counts: outcomes scored into it, split by label, and the sum of their predicted probabilities. */
export interface PredictionBin {
  bin: number;
  positives: number;
  negatives: number;
  /** Σ of the predicted probabilities that fell in this bin. */
  predicted: number;
}

/** The bin of a prediction given by its logit z (±∞ clamp into the end bins; NaN is the caller's to refuse). */
export function binOfLogit(z: number): number {
  const b = Math.floor((z - LOGIT_MIN) / WIDTH);
  return b < 0 ? 0 : b >= BIN_COUNT ? BIN_COUNT - 1 : b;
}

/** The bin of a predicted probability p ∈ [0, 1]. */
export function binOfProbability(p: number): number {
  return binOfLogit(Math.log(p) - Math.log1p(-p));
}

/** Logit bounds [lo, hi) of a bin (the end bins also hold everything clamped into them). */
export function binBounds(bin: number): [number, number] {
  return [LOGIT_MIN + bin * WIDTH, LOGIT_MIN + (bin + 1) * WIDTH];
}

/** Counts of one learner cycle, per action and bin, before they are added to the store in the cycle's commit. */
export class PredictionTally {
  private readonly byAction = new Map<string, Map<number, PredictionBin>>();

  /**
   * Counts one outcome (`positive`: a response) predicted with logit z, i.e. p = σ(z). A NaN prediction (a
   * non-finite model, which the guarded update never produces) is not counted: it has no place in the order.
   */
  add(actionId: string, z: number, positive: boolean): void {
    if (Number.isNaN(z)) return;
    let bins = this.byAction.get(actionId);
    if (!bins) {
      bins = new Map();
      this.byAction.set(actionId, bins);
    }
    const b = binOfLogit(z);
    let entry = bins.get(b);
    if (!entry) {
      entry = { bin: b, positives: 0, negatives: 0, predicted: 0 };
      bins.set(b, entry);
    }
    if (positive) entry.positives += 1;
    else entry.negatives += 1;
    entry.predicted += sigmoid(z);
  }

  /** Per action, its touched bins in ascending order. */
  entries(): [string, PredictionBin[]][] {
    return [...this.byAction].map(([actionId, bins]) => [actionId, [...bins.values()].sort((a, b) => a.bin - b.bin)]);
  }

  get size(): number {
    return this.byAction.size;
  }
}
