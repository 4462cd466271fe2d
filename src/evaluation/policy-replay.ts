/**
 * One replayed policy: its own per-action posteriors, learned progressively from the logged outcomes with its own
 * learning policy (src/learner/fold.ts — the learner's code, not a copy), and scored on each logged decision before
 * that decision's outcome is learned. Scoring gives, for one slot, the exact selection probability of the logged
 * choice by the service's quadrature (src/core/selection-probability.ts) under this policy's posteriors, thresholds
 * and correlation, and the doubly robust direct term Σₐ π(a|x)·q̂(a, x) with q̂ = predictive response probability ×
 * value (0 for no action).
 */
import { arbitrationRule, gateStatus, priorityBar, ACTION_STATUS, type ArbitrationRule } from '../core/arbitration.js';
import { sparseQuadForm } from '../core/contenders.js';
import { inverseFromCholesky } from '../core/linalg.js';
import { sigmoid } from '../core/logistic.js';
import { NORMAL_TABLE, NORMAL_TABLE_MASK, NORMAL_TABLE_SIZE } from '../core/normal-table.js';
import { chosenProbability, noActionProbabilityExact } from '../core/selection-probability.js';
import type { ObservationBatch, Posterior, Rng } from '../core/types.js';
import { predictiveFromMoments } from '../core/update.js';
import { createChangeWatch, type ChangeWatch } from '../learner/change-watch.js';
import { foldBatch, priorPosterior, type LearningPolicy } from '../learner/fold.js';
import type { ChannelRule, PolicySettings, ReplayAction } from './types.js';

/**
 * The direct term Σₐ π(a)q̂(a) is estimated by DIRECT_DRAWS Monte Carlo draws of the policy (unbiased; its noise is part
 * of the per-row terms the DR interval measures). Exact probabilities for every action (K quadratures per row) cost
 * 7× more at 10 actions once the quadrature refines the tails (bench:evaluate: 1,450–2,040 against 9,600–13,800
 * decisions/s per candidate); only the logged choice's probability, the IPS weight, needs that precision. 16 rather
 * than 32 draws: at 50 actions ~4,300 → ~5,500–7,100 decisions/s per candidate.
 */
export const DIRECT_DRAWS = 16;
/** Score sds around the mean within which a draw is treated as certain to land (a 1-in-10⁹ tail, as thompson.ts prunes). */
const PRUNE_SDS = 6;

/** Per-row working arrays, sized to the catalog. */
export interface ScoreScratch {
  /** Candidates of the current row that can win a draw (positions in the row's candidate list). */
  contenders: Int32Array;
  means: Float64Array;
  sds: Float64Array;
  scales: Float64Array;
  taus: Float64Array;
  q: Float64Array;
  nonZero: Int32Array;
  nonZeroValues: Float64Array;
}

export function createScoreScratch(actions: number, d: number): ScoreScratch {
  const f = () => new Float64Array(Math.max(1, actions));
  return { contenders: new Int32Array(Math.max(1, actions)), means: f(), sds: f(), scales: f(), taus: f(), q: f(), nonZero: new Int32Array(d), nonZeroValues: new Float64Array(d) };
}

/** A decision as scored: the candidates' catalog indices, the logged choice's position among them (−1: no action). */
export interface ScoredRow {
  x: Float64Array;
  candidates: readonly number[];
  logged: number;
  rule: ChannelRule;
}

export interface RowScore {
  /** π(logged choice | x). */
  probability: number;
  /** π(no action | x). */
  noAction: number;
  /** Σₐ π(a|x) q̂(a, x). */
  direct: number;
  /** q̂ of the logged choice (0 for no action). */
  qLogged: number;
}

export class PolicyReplay {
  readonly learning: LearningPolicy;
  private readonly posteriors: Posterior[];
  private readonly covariances: Float64Array[];
  private readonly watch: ChangeWatch | undefined;

  constructor(
    readonly settings: PolicySettings,
    private readonly actions: readonly ReplayAction[],
    private readonly d: number,
  ) {
    this.learning = { priorRate: settings.priorRate, forgettingHalfLife: settings.forgettingHalfLife, changeDetection: settings.changeDetection };
    this.posteriors = actions.map((a) => priorPosterior(this.learning, a.likelihood, d));
    this.covariances = this.posteriors.map((p) => this.covarianceOf(p));
    this.watch = settings.changeDetection ? createChangeWatch() : undefined;
  }

  private covarianceOf(post: Posterior): Float64Array {
    const out = new Float64Array(this.d * this.d);
    inverseFromCholesky(post.cholPrecision, this.d, out);
    return out;
  }

  /** The rule of a decision on a channel under this policy's minPriority. */
  ruleFor(rule: ChannelRule): ArbitrationRule {
    return arbitrationRule({
      priorityThreshold: rule.priorityThreshold ?? this.settings.minPriority,
      propensityThreshold: rule.propensityThreshold,
      ...(rule.contactCost === undefined ? {} : { contactCost: rule.contactCost }),
      slots: 1,
    });
  }

  /** Fills scratch.means/sds/scales/q for the row's candidates (in their order); q = predictive × value. */
  moments(row: ScoredRow, s: ScoreScratch): void {
    const { x, candidates } = row;
    let nnz = 0;
    for (let j = 0; j < this.d; j++) {
      if (x[j] !== 0) {
        s.nonZeroValues[nnz] = x[j]!;
        s.nonZero[nnz++] = j;
      }
    }
    for (let c = 0; c < candidates.length; c++) {
      const a = candidates[c]!;
      const mean = this.posteriors[a]!.mean;
      let m = 0;
      for (let t = 0; t < nnz; t++) m += s.nonZeroValues[t]! * mean[s.nonZero[t]!]!;
      const v = Math.max(0, sparseQuadForm(this.covariances[a]!, this.d, s.nonZeroValues, s.nonZero, nnz));
      const action = this.actions[a]!;
      s.means[c] = m;
      s.sds[c] = Math.sqrt(v);
      s.scales[c] = action.value * action.lever;
      s.q[c] = predictiveFromMoments('logistic', m, v) * action.value;
    }
  }

  /** π of the logged choice and the DR terms under this policy (after `moments`). */
  score(row: ScoredRow, s: ScoreScratch, rng: Rng): RowScore {
    const k = row.candidates.length;
    const rule = this.ruleFor(row.rule);
    const gated = rule.propensityThreshold > -Infinity || rule.cost > -Infinity;
    if (gated) for (let c = 0; c < k; c++) s.taus[c] = priorityBar(rule, s.scales[c]!);
    const momentsOf = { means: s.means, sds: s.sds, scales: s.scales, correlation: this.settings.drawCorrelation, ...(gated ? { taus: s.taus } : {}) };
    const threshold = rule.priorityThreshold;
    if (k === 0) return { probability: 1, noAction: 1, direct: 0, qLogged: 0 };
    const noAction = noActionProbabilityExact(k, momentsOf, threshold);
    const probability = row.logged >= 0 ? chosenProbability(row.logged, k, momentsOf, threshold) : noAction;
    const direct = this.directByDraws(k, s, rule, gated, rng);
    return { probability, noAction, direct, qLogged: row.logged >= 0 ? s.q[row.logged]! : 0 };
  }

  /**
   * Σₐ π(a)q̂(a) by DIRECT_DRAWS draws of the policy's own Thompson sampling (thompson.ts: shared optimism, one slot)
   * gated by the same rule (arbitration.ts `gateStatus`). Draws read the normal-quantile table at random offsets and
   * odd strides, as thompson.ts's re-draws do, and leave out candidates that cannot win: one whose priority 6 sds
   * above its mean stays below what another surely reaches (6 sds below its mean, when that clears its own bar).
   */
  private directByDraws(k: number, s: ScoreScratch, rule: ArbitrationRule, gated: boolean, rng: Rng): number {
    const rho = this.settings.drawCorrelation;
    const common = Math.sqrt(rho);
    const own = Math.sqrt(1 - rho);
    // The shared deviate only adds, so the bounds take it at its largest table value and at 0.
    const shiftUp = common * NORMAL_TABLE[NORMAL_TABLE_SIZE - 1]!;
    let floor = -Infinity;
    for (let c = 0; c < k; c++) {
      const low = s.scales[c]! * sigmoid(s.means[c]! - PRUNE_SDS * s.sds[c]! * own);
      if (!gated || low >= s.taus[c]!) floor = Math.max(floor, low);
    }
    let n = 0;
    for (let c = 0; c < k; c++) {
      const high = s.scales[c]! * sigmoid(s.means[c]! + s.sds[c]! * (shiftUp + PRUNE_SDS * own));
      if (high >= floor && (!gated || high >= s.taus[c]!)) s.contenders[n++] = c;
    }
    // One contender left is the one whose sure priority set the floor: it surely clears its bar and wins every draw.
    if (n === 1 && floor > -Infinity) return s.q[s.contenders[0]!]!;
    const sharedOffset = rng.nextInt(NORMAL_TABLE_SIZE);
    const sharedStride = 2 * rng.nextInt(NORMAL_TABLE_SIZE / 2) + 1;
    let total = 0;
    for (let draw = 0; draw < DIRECT_DRAWS; draw++) {
      const shared = common * Math.max(0, NORMAL_TABLE[(sharedOffset + draw * sharedStride) & NORMAL_TABLE_MASK]!);
      let best = -1;
      let bestPriority = -Infinity;
      for (let a = 0; a < n; a++) {
        const c = s.contenders[a]!;
        const u = NORMAL_TABLE[rng.nextInt(NORMAL_TABLE_SIZE)]!;
        const sampled = sigmoid(s.means[c]! + s.sds[c]! * (shared + own * u));
        const priority = sampled * s.scales[c]!;
        if (gateStatus(rule, sampled, priority) === ACTION_STATUS.outranked && priority > bestPriority) {
          best = c;
          bestPriority = priority;
        }
      }
      if (best >= 0) total += s.q[best]!;
    }
    return total / DIRECT_DRAWS;
  }

  /**
   * Folds one learner batch (per catalog index) into this policy's models, as the service's learner does: change
   * detection first (an alarm restarts every model from the prior), then each action's rows in order.
   */
  learn(batches: ReadonlyMap<number, ObservationBatch>): void {
    if (this.watch) {
      const watched = [...batches].map(([a, batch]) => ({ actionId: this.actions[a]!.id, posterior: this.posteriors[a]!, batch }));
      const verdict = this.watch.test(watched);
      if (verdict.alarmed.length > 0) {
        for (let a = 0; a < this.actions.length; a++) {
          this.posteriors[a] = priorPosterior(this.learning, this.actions[a]!.likelihood, this.d);
          if (!batches.has(a)) this.covariances[a] = this.covarianceOf(this.posteriors[a]!);
        }
      }
      this.watch.keep(verdict);
    }
    for (const [a, batch] of batches) {
      this.posteriors[a] = foldBatch(this.learning, this.posteriors[a]!, batch);
      this.covariances[a] = this.covarianceOf(this.posteriors[a]!);
    }
  }
}
