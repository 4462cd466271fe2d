/**
 * UCI Statlog (Shuttle) `shuttle.trn` as a bandit (data/uci-statlog-shuttle/README.md): 43,500 rows, 9 numeric
 * features z-scored over the rows (std 0 → 1), k = 7 arms (class 1..7 → arm 0..6), reward 1 for the right class.
 * The engine's encoder clips z-scores to ±5 (encoding.ts STANDARDISED_CLIP); the showdown does not clip.
 */
import type { FeatureSpec } from '../../../src/core/encoding.js';
import type { Rng } from '../../../src/core/types.js';
import type { BanditProblem } from '../problem.js';
import { classificationProblem } from './classification.js';
import { encodeRows, meanAndStd, readLines, shuffledIndices, type EncodedRows } from './encode.js';

export const STATLOG_ARMS = 7;

export interface StatlogData {
  /** rows × 9 raw feature values. */
  features: number[][];
  /** Class − 1 (0..6). */
  labels: Int32Array;
}

export function loadStatlog(dataDir: string): StatlogData {
  const lines = readLines(dataDir, 'uci-statlog-shuttle', 'shuttle.trn');
  const features: number[][] = [];
  const labels = new Int32Array(lines.length);
  lines.forEach((line, i) => {
    const cells = line.trim().split(/\s+/).map(Number);
    if (cells.length !== 10 || cells.some((c) => !Number.isFinite(c))) throw new Error(`shuttle.trn line ${i + 1}: expected 10 numbers`);
    features.push(cells.slice(0, 9));
    labels[i] = cells[9]! - 1;
  });
  return { features, labels };
}

/** Encodes every row once: 9 numeric features with mean/std from all rows (all rows are played, so the same). */
export function encodeStatlog(data: StatlogData): EncodedRows {
  const specs: FeatureSpec[] = Array.from({ length: 9 }, (_, j) => ({
    name: `f${j + 1}`,
    type: 'numeric' as const,
    ...meanAndStd(data.features.map((row) => row[j]!)),
  }));
  return encodeRows(
    specs,
    data.features.map((row) => Object.fromEntries(row.map((v, j) => [`f${j + 1}`, v]))),
  );
}

/** All rows once each, in an order shuffled by `rng` (the showdown shuffles, then takes min(43,500, n)). */
export function statlogProblem(data: StatlogData, encoded: EncodedRows, rng: Rng, rounds?: number): BanditProblem {
  return classificationProblem('statlog', encoded, data.labels, STATLOG_ARMS, shuffledIndices(data.labels.length, rng), rounds);
}
