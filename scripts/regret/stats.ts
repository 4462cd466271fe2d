/** Summary statistics for benchmark figures (plain numbers, no dependencies). */
import type { Rng } from '../../src/core/types.js';

export interface Summary {
  mean: number;
  /** Sample standard deviation (n − 1); 0 for a single value. */
  sd: number;
  median: number;
  min: number;
  max: number;
  n: number;
}

export function summarise(values: readonly number[]): Summary {
  const n = values.length;
  if (n === 0) return { mean: Number.NaN, sd: Number.NaN, median: Number.NaN, min: Number.NaN, max: Number.NaN, n: 0 };
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const sd = n > 1 ? Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1)) : 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = n >> 1;
  const median = n % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { mean, sd, median, min: sorted[0]!, max: sorted[n - 1]!, n };
}

/**
 * Percentile bootstrap interval (Efron & Tibshirani 1993, §13.3) of the mean of 0/1 or real outcomes:
 * `resamples` resamples with replacement, the (α/2, 1 − α/2) quantiles of their means. null when empty.
 */
export function bootstrapMeanInterval(
  values: ArrayLike<number>,
  rng: Rng,
  resamples = 2_000,
  alpha = 0.05,
): [number, number] | null {
  const n = values.length;
  if (n === 0) return null;
  const means = new Float64Array(resamples);
  for (let b = 0; b < resamples; b += 1) {
    let sum = 0;
    for (let i = 0; i < n; i += 1) sum += values[rng.nextInt(n)]!;
    means[b] = sum / n;
  }
  means.sort();
  const at = (q: number): number => means[Math.min(resamples - 1, Math.max(0, Math.floor(q * resamples)))]!;
  return [at(alpha / 2), at(1 - alpha / 2)];
}
