/**
 * Turning raw data rows into the engine's encoded contexts — through the engine's own encoder
 * (compileEncoder / encodeContext), so the benchmark measures exactly what the service would see.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileEncoder, encodeContext, type Encoder, type FeatureSpec } from '../../../src/core/encoding.js';
import type { Rng } from '../../../src/core/types.js';

/** Row-major matrix of encoded contexts: row i is `data.subarray(i*d, (i+1)*d)`. */
export interface EncodedRows {
  encoder: Encoder;
  d: number;
  rows: number;
  data: Float64Array;
}

/** Encodes every context record with the engine's encoder. Throws if any record has an encoding problem. */
export function encodeRows(features: readonly FeatureSpec[], contexts: readonly Record<string, unknown>[]): EncodedRows {
  const encoder = compileEncoder({ features, channels: [] });
  const d = encoder.dimension;
  const data = new Float64Array(contexts.length * d);
  contexts.forEach((context, i) => {
    const report = encodeContext(encoder, context, 'default', data.subarray(i * d, (i + 1) * d));
    if (report.problems.length > 0) {
      throw new Error(`row ${i}: ${report.problems.map((p) => `${p.field} ${p.message}`).join('; ')}`);
    }
  });
  return { encoder, d, rows: contexts.length, data };
}

/** The view of row i. */
export function rowView(enc: EncodedRows, i: number): Float64Array {
  return enc.data.subarray(i * enc.d, (i + 1) * enc.d);
}

/** Mean and population sd of a column, sd 0 replaced by 1 (the showdown's z-scoring rule). */
export function meanAndStd(values: readonly number[]): { mean: number; std: number } {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length;
  const std = Math.sqrt(variance);
  return { mean, std: std > 0 ? std : 1 };
}

/** Distinct values of a column in sorted order (the categories of a one-hot block). */
export function distinctSorted(values: readonly string[]): string[] {
  return [...new Set(values)].sort();
}

/** A uniformly random permutation of 0..n−1 (Fisher–Yates, Knuth 1997 vol. 2 §3.4.2 Algorithm P). */
export function shuffledIndices(n: number, rng: Rng): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i += 1) out[i] = i;
  for (let i = n - 1; i > 0; i -= 1) {
    const j = rng.nextInt(i + 1);
    const tmp = out[i]!;
    out[i] = out[j]!;
    out[j] = tmp;
  }
  return out;
}

/** Non-empty lines of a text file under the data directory. */
export function readLines(dataDir: string, ...path: string[]): string[] {
  return readFileSync(join(dataDir, ...path), 'utf8')
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '');
}
