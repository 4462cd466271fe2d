/**
 * The message format between the learner and its worker threads. A posterior travels packed in one Float64Array
 * — [a, b, observations, mean (d), precision (d·d), cholPrecision (d·d)] — so each direction moves a few buffers
 * instead of structured-cloning them.
 */
import type { Likelihood, ObservationBatch, Posterior } from '../core/types.js';
import type { LearningPolicy } from './fold.js';

export interface UpdateTask {
  policy: LearningPolicy;
  likelihood: Likelihood;
  d: number;
  /** packPosterior layout. */
  posterior: Float64Array;
  n: number;
  /** n·d row-major contexts. */
  x: Float64Array;
  /** n targets. */
  y: Float64Array;
}

const HEADER = 3;

/** Length of a packed posterior of dimension d. */
export function packedLength(d: number): number {
  return HEADER + d + 2 * d * d;
}

export function packPosterior(post: Posterior): Float64Array {
  const { d } = post;
  const out = new Float64Array(packedLength(d));
  out[0] = post.a;
  out[1] = post.b;
  out[2] = post.observations;
  out.set(post.mean, HEADER);
  out.set(post.precision, HEADER + d);
  out.set(post.cholPrecision, HEADER + d + d * d);
  return out;
}

/** Unpacks into fresh arrays (views would keep the whole packed buffer alive and alias each other). */
export function unpackPosterior(likelihood: Likelihood, d: number, packed: Float64Array): Posterior {
  if (packed.length !== packedLength(d)) throw new RangeError(`packed posterior has length ${packed.length}, expected ${packedLength(d)}`);
  return {
    likelihood,
    d,
    a: packed[0]!,
    b: packed[1]!,
    observations: packed[2]!,
    mean: packed.slice(HEADER, HEADER + d),
    precision: packed.slice(HEADER + d, HEADER + d + d * d),
    cholPrecision: packed.slice(HEADER + d + d * d),
  };
}

/**
 * A worker's answer: the packed posterior, then the number of outcomes the fold refused (fold.ts,
 * `foldBatchCounted`), then — when the worker computed it — the posterior's covariance Λ⁻¹ (d·d row-major), so the
 * O(d³) inversion a decision needs runs on the worker instead of the event loop.
 */
export function packFoldResult(result: { posterior: Posterior; refused: number; covariance?: Float64Array }): Float64Array {
  const packed = packPosterior(result.posterior);
  const out = new Float64Array(packed.length + 1 + (result.covariance?.length ?? 0));
  out.set(packed);
  out[packed.length] = result.refused;
  if (result.covariance) out.set(result.covariance, packed.length + 1);
  return out;
}

export function unpackFoldResult(
  likelihood: Likelihood,
  d: number,
  packed: Float64Array,
): { posterior: Posterior; refused: number; covariance: Float64Array | undefined } {
  const n = packedLength(d);
  if (packed.length !== n + 1 && packed.length !== n + 1 + d * d) {
    throw new RangeError(`fold result has length ${packed.length}, expected ${n + 1} or ${n + 1 + d * d}`);
  }
  return {
    posterior: unpackPosterior(likelihood, d, packed.subarray(0, n)),
    refused: packed[n]!,
    covariance: packed.length > n + 1 ? packed.slice(n + 1) : undefined,
  };
}

export function toTask(policy: LearningPolicy, post: Posterior, batch: ObservationBatch): UpdateTask {
  return { policy, likelihood: post.likelihood, d: post.d, posterior: packPosterior(post), n: batch.n, x: batch.x, y: batch.y };
}

export function taskBatch(task: UpdateTask): ObservationBatch {
  return { n: task.n, d: task.d, x: task.x, y: task.y };
}
