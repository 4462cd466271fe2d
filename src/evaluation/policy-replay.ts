/**
 * One replayed policy: its own per-action posteriors, learned progressively from the logged outcomes with its own
 * learning policy (src/learner/fold.ts — the learner's code, not a copy), and scored on each logged decision before
 * that decision's outcome is learned. Scoring gives, for one slot, the exact selection probability of the logged
 * choice by the service's quadrature (src/core/selection-probability.ts) under this policy's posteriors, thresholds
 * and correlation, and the doubly robust direct term Σₐ π(a|x)·q̂(a, x) with q̂ = predictive response probability ×
 * value (0 for no action).
 */
import { arbitrationRule, priorityBar, type ArbitrationRule } from '../core/arbitration.js';
import { sparseQuadForm } from '../core/contenders.js';
import { inverseFromCholesky } from '../core/linalg.js';
import { createDecisionScratch, decide, type DecisionScratch } from '../core/thompson.js';
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

/** Per-row working arrays, sized to the catalog. */
export interface ScoreScratch {
  means: Float64Array;
  sds: Float64Array;
  scales: Float64Array;
  taus: Float64Array;
  q: Float64Array;
  nonZero: Int32Array;
  nonZeroValues: Float64Array;
  /** The row's candidates as thompson.ts `decide` reads them (in the row's candidate order), and its scratch. */
  decision: { posteriors: Posterior[]; covariances: Float64Array[]; values: Float64Array; levers: Float64Array; scratch: DecisionScratch };
}

export function createScoreScratch(actions: number, d: number): ScoreScratch {
  const f = () => new Float64Array(Math.max(1, actions));
  return {
    means: f(),
    sds: f(),
    scales: f(),
    taus: f(),
    q: f(),
    nonZero: new Int32Array(d),
    nonZeroValues: new Float64Array(d),
    decision: { posteriors: [], covariances: [], values: f(), levers: f(), scratch: createDecisionScratch(actions, d) },
  };
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
    const direct = this.directByDraws(row, s, rule, rng);
    return { probability, noAction, direct, qLogged: row.logged >= 0 ? s.q[row.logged]! : 0 };
  }

  /**
   * Σₐ π(a)q̂(a) by DIRECT_DRAWS draws of the policy's own Thompson sampling: thompson.ts `decide` itself (one slot,
   * the same rule, correlation and pruning of the candidates that cannot win), whose Monte Carlo probabilities are
   * the frequencies over its actual draw and probabilityDraws = DIRECT_DRAWS − 1 independent re-draws.
   */
  private directByDraws(row: ScoredRow, s: ScoreScratch, rule: ArbitrationRule, rng: Rng): number {
    const { candidates } = row;
    const k = candidates.length;
    const { posteriors, covariances } = s.decision;
    posteriors.length = k;
    covariances.length = k;
    for (let c = 0; c < k; c++) {
      const a = candidates[c]!;
      const action = this.actions[a]!;
      posteriors[c] = this.posteriors[a]!;
      covariances[c] = this.covariances[a]!;
      s.decision.values[c] = action.value;
      s.decision.levers[c] = action.lever;
    }
    const { probability } = decide(
      {
        posteriors,
        covariances,
        values: s.decision.values,
        levers: s.decision.levers,
        x: row.x,
        // The rule `ruleFor` resolved, back in decide's terms (a cost of −∞ is no contact cost at all).
        priorityThreshold: rule.priorityThreshold,
        propensityThreshold: rule.propensityThreshold,
        ...(rule.cost === -Infinity ? {} : { contactCost: rule.cost }),
        slots: 1,
        probabilityDraws: DIRECT_DRAWS - 1,
        probabilityMethod: 'monte-carlo',
        correlation: this.settings.drawCorrelation,
      },
      rng,
      s.decision.scratch,
    );
    let total = 0;
    for (let c = 0; c < k; c++) total += probability[c]! * s.q[c]!;
    return total;
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
