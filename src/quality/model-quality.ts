/** The `quality` block of an action's statistics, from its prediction histogram (bins.ts, auc.ts, calibration.ts). */
import { aucFromBins } from './auc.js';
import type { PredictionBin } from './bins.js';
import { calibrationFromBins, type CalibrationPoint } from './calibration.js';

export interface ModelQuality {
  /** Outcomes scored prequentially (each with the model as it stood before the learner cycle that learned it). */
  scored: number;
  /** Null without both a response and an ignore scored. */
  auc: number | null;
  aucCi95: [number, number] | null;
  calibration: CalibrationPoint[];
}

export function modelQuality(bins: readonly PredictionBin[]): ModelQuality {
  let scored = 0;
  for (const b of bins) scored += b.positives + b.negatives;
  const auc = aucFromBins(bins);
  return { scored, auc: auc?.auc ?? null, aucCi95: auc?.ci95 ?? null, calibration: calibrationFromBins(bins) };
}
