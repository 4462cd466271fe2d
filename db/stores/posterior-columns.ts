/**
 * A posterior as the columns both model tables store it (`models` for the v1 engine, `pz_models` for the
 * Personalizer loop): dimension, mean, precision, its Cholesky factor, a, b, observations. The blobs are float64
 * arrays (float64-blob.ts).
 */
import type { Likelihood, Posterior } from '../../src/core/types.js';
import { blobToFloat64, float64ToBlob } from './float64-blob.js';

/** The stored columns of a posterior as read. */
export interface PosteriorRow {
  dimension: number;
  mean: Buffer;
  precision: Buffer;
  chol_precision: Buffer;
  a: number;
  b: number;
  observations: number;
}

/** The statement parameters of a posterior's columns. Throws RangeError when its arrays do not match its d. */
export function posteriorParams(post: Posterior): Record<string, unknown> {
  const { d } = post;
  if (post.mean.length !== d || post.precision.length !== d * d || post.cholPrecision.length !== d * d) {
    throw new RangeError(`posterior arrays do not match d = ${d}`);
  }
  return {
    dimension: d,
    mean: float64ToBlob(post.mean),
    precision: float64ToBlob(post.precision),
    cholPrecision: float64ToBlob(post.cholPrecision),
    a: post.a,
    b: post.b,
    observations: post.observations,
  };
}

/** The posterior a row's columns hold (each blob checked against the dimension). */
export function posteriorFromRow(likelihood: Likelihood, row: PosteriorRow): Posterior {
  const d = row.dimension;
  return {
    likelihood,
    d,
    mean: blobToFloat64(row.mean, d),
    precision: blobToFloat64(row.precision, d * d),
    cholPrecision: blobToFloat64(row.chol_precision, d * d),
    a: row.a,
    b: row.b,
    observations: row.observations,
  };
}
