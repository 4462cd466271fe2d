/**
 * The per-action buffers of one decision (thompson.ts), preallocated and grown on demand so that a decision
 * allocates only its small result.
 */

/** Preallocated per-action buffers, grown when a decision has more actions or a longer context than before. */
export interface DecisionScratch {
  capacity: number;
  dimension: number;
  /** m = xᵀμ per action. */
  means: Float64Array;
  /** v = xᵀΛ⁻¹x per action. */
  variances: Float64Array;
  /** 1 for a linear posterior, 0 for logistic. */
  linear: Uint8Array;
  /** 1 when the action's score moments are finite, 0 when it is left out of the decision. */
  scorable: Uint8Array;
  /** Arbitration status per action (arbitration.ts ACTION_STATUS). */
  status: Uint8Array;
  /** Per action, the priority below which it is never offered (arbitration.ts priorityBar). */
  bars: Float64Array;
  propensity: Float64Array;
  sampled: Float64Array;
  priority: Float64Array;
  probability: Float64Array;
  /** Priorities of one Monte Carlo re-draw. */
  drawPriority: Float64Array;
  /** Times each action was chosen across the draws. */
  counts: Float64Array;
  /** Indices of the current top `slots`, best first. */
  top: Int32Array;
  /** Priority bounds per action at z = m ∓ 6√v, for pruning re-draws. */
  lower: Float64Array;
  upper: Float64Array;
  /** Indices of the actions re-drawn for the selection probabilities. */
  active: Int32Array;
  /** √v per action. */
  sds: Float64Array;
  /** value × lever per action. */
  scales: Float64Array;
  /** Indices of the context's non-zero slots, length ≥ d. */
  nonZero: Int32Array;
  /** x at those slots (nonZeroValues[a] = x[nonZero[a]]), so the per-action loops read x without the indirection. */
  nonZeroValues: Float64Array;
  /** Forward-substitution buffer, length ≥ d. */
  work: Float64Array;
  /** x with the per-action slot patched, for scoring through the Cholesky factor (no covariance kept), length ≥ d. */
  patched: Float64Array;
  /** Length-K views of the result arrays, cached per K. */
  viewSize: number;
  views: { propensity: Float64Array; sampled: Float64Array; priority: Float64Array; probability: Float64Array; status: Uint8Array };
}

/** Scratch for decisions over up to maxK actions with contexts of dimension d (grown on demand). */
export function createDecisionScratch(maxK: number, d: number): DecisionScratch {
  const k = Math.max(1, Math.floor(maxK));
  const scratch: DecisionScratch = {
    capacity: k,
    dimension: Math.max(1, Math.floor(d)),
    means: new Float64Array(k),
    variances: new Float64Array(k),
    linear: new Uint8Array(k),
    scorable: new Uint8Array(k),
    status: new Uint8Array(k),
    bars: new Float64Array(k),
    propensity: new Float64Array(k),
    sampled: new Float64Array(k),
    priority: new Float64Array(k),
    probability: new Float64Array(k),
    drawPriority: new Float64Array(k),
    counts: new Float64Array(k),
    top: new Int32Array(k),
    lower: new Float64Array(k),
    upper: new Float64Array(k),
    active: new Int32Array(k),
    sds: new Float64Array(k),
    scales: new Float64Array(k),
    work: new Float64Array(Math.max(1, Math.floor(d))),
    nonZero: new Int32Array(Math.max(1, Math.floor(d))),
    nonZeroValues: new Float64Array(Math.max(1, Math.floor(d))),
    patched: new Float64Array(Math.max(1, Math.floor(d))),
    viewSize: -1,
    views: {
      propensity: new Float64Array(0),
      sampled: new Float64Array(0),
      priority: new Float64Array(0),
      probability: new Float64Array(0),
      status: new Uint8Array(0),
    },
  };
  return scratch;
}

export function ensureCapacity(scratch: DecisionScratch, k: number, d: number): void {
  if (k > scratch.capacity) {
    const grown = createDecisionScratch(Math.max(k, 2 * scratch.capacity), Math.max(d, scratch.dimension));
    Object.assign(scratch, grown);
  } else if (d > scratch.dimension) {
    scratch.dimension = d;
    scratch.work = new Float64Array(d);
    scratch.nonZero = new Int32Array(d);
    scratch.nonZeroValues = new Float64Array(d);
    scratch.patched = new Float64Array(d);
  }
  if (scratch.viewSize !== k) {
    scratch.viewSize = k;
    scratch.views = {
      propensity: scratch.propensity.subarray(0, k),
      sampled: scratch.sampled.subarray(0, k),
      priority: scratch.priority.subarray(0, k),
      probability: scratch.probability.subarray(0, k),
      status: scratch.status.subarray(0, k),
    };
  }
}

