/**
 * Per-action statistics for data scientists: volumes, response rates with Wilson intervals, posterior coefficients
 * with 95 % credible intervals, and model quality the way Pega's data scientists read it (issue #11 item 3):
 * prequential AUC and calibration deciles (src/quality), success rate, evidence, and linear actions' reward moments.
 * Every read is O(actions × channels + actions × bins): running counts, never a scan of the log; the bins are read
 * again only for models that changed.
 */
import { sampleMoments, wilsonInterval, Z95 } from '../core/intervals.js';
import { posteriorSd } from '../core/update.js';
import type { Db } from '../../db/open.js';
import { countsByActionAndChannel, type CountsRow } from '../../db/stores/stats.js';
import { AppError } from '../errors.js';
import { modelQuality, type ModelQuality } from '../quality/model-quality.js';
import type { QualityStore, RewardMoments } from '../quality/quality-store.js';
import type { EngineState, ModelEntry } from './engine-state.js';
import type { KeyCounter } from './key-counter.js';
import type { LearnerLag } from '../dashboard/types.js';
import type { ActionStats, ChannelCounts, StatsOverview, StatsService } from './types.js';

/**
 * The standard normal's 0.975 quantile. A logistic model's posterior is the Gaussian of its Laplace approximation,
 * so mean ± Z95·sd is its central 95 % credible interval. A linear model's weight is Student-t with 2a degrees of
 * freedom (Normal–inverse-gamma); the normal quantile then reads slightly narrow while a is small (few outcomes).
 */

/** Reward mean and sample sd (n − 1) of a linear action; null where there are too few rewards to say. */
function rewardSummary(m: RewardMoments | undefined): ActionStats['reward'] {
  if (!m || !(m.n > 0)) return { n: 0, mean: null, sd: null };
  const { mean, variance } = sampleMoments(m.n, m.sum, m.sumSq);
  return { n: m.n, mean, sd: variance === null ? null : Math.sqrt(variance) };
}

function counts(decisions: number, responses: number, ignores: number): ChannelCounts {
  const closed = responses + ignores;
  return {
    decisions,
    responses,
    ignores,
    pending: Math.max(0, decisions - closed),
    responseRate: closed > 0 ? responses / closed : null,
  };
}

export function createStatsService(deps: {
  db: Db;
  state: EngineState;
  /** Prediction bins and reward moments (src/quality/quality-store.ts). */
  quality: QualityStore;
  unknownKeys?: KeyCounter;
  /** Outcomes the learner refused so far (the updater's count). */
  refusedOutcomes?: () => number;
  /** The learner's lag behind the outcome log (src/dashboard); absent: reported as 0 behind 0. */
  learnerLag?: () => LearnerLag;
}): StatsService {
  const { state } = deps;
  /**
   * Quality per model entry. An action's bins change only in the learner's commit, which installs a new entry for
   * every action whose bins it added to, or when an ops script replaces the model (clearing them), after which the
   * reload installs new entries too. Entries are immutable snapshots, so the quality read for one stays right while it
   * is the action's model, and GET /v1/stats reads only the bins of the models that learned since the last call
   * (bench:stats: 200 bins × 22 actions cost ~9 ms to read on every call).
   */
  const qualityByEntry = new WeakMap<ModelEntry, ModelQuality>();
  const qualityOf = (entry: ModelEntry): ModelQuality => {
    let quality = qualityByEntry.get(entry);
    if (!quality) {
      quality = modelQuality(deps.quality.bins(entry.actionId));
      qualityByEntry.set(entry, quality);
    }
    return quality;
  };

  const build = (
    actionId: string,
    rows: readonly CountsRow[],
    rewards: RewardMoments | undefined,
  ): ActionStats => {
    let decisions = 0;
    let responses = 0;
    let ignores = 0;
    const byChannel: Record<string, ChannelCounts> = {};
    for (const row of rows) {
      decisions += row.decisions;
      responses += row.responses;
      ignores += row.ignores;
      byChannel[row.channel] = counts(row.decisions, row.responses, row.ignores);
    }
    const entry = state.model(actionId);
    const sd = posteriorSd(entry.posterior);
    const slots = state.encoder().slots;
    const likelihood = entry.posterior.likelihood;
    const closed = responses + ignores;
    return {
      actionId,
      ...counts(decisions, responses, ignores),
      responseRateCi: wilsonInterval(responses, closed),
      byChannel,
      eligibilityErrors: state.policies.eligibilityErrors()[actionId] ?? 0,
      successRate: closed > 0 ? responses / closed : null,
      evidence: entry.posterior.observations,
      quality: qualityOf(entry),
      reward: likelihood === 'linear' ? rewardSummary(rewards) : null,
      model: {
        likelihood: entry.posterior.likelihood,
        observations: entry.posterior.observations,
        version: entry.version,
        updatedAt: entry.updatedAt === null ? null : new Date(entry.updatedAt).toISOString(),
        coefficients: slots.map((feature, j) => {
          const mean = entry.posterior.mean[j]!;
          const s = sd[j]!;
          return { feature, mean, sd: s, ci95: [mean - Z95 * s, mean + Z95 * s] as [number, number] };
        }),
      },
    };
  };

  const rowsByAction = (): Map<string, CountsRow[]> => {
    const map = new Map<string, CountsRow[]>();
    for (const row of countsByActionAndChannel(deps.db)) {
      const list = map.get(row.actionId);
      if (list) list.push(row);
      else map.set(row.actionId, [row]);
    }
    return map;
  };

  return {
    action(actionId) {
      if (!state.action(actionId)) throw new AppError('not_found', `action '${actionId}' does not exist`, [{ field: 'actionId', message: 'no such action' }]);
      return build(actionId, rowsByAction().get(actionId) ?? [], deps.quality.rewards(actionId));
    },
    all(): StatsOverview {
      const byAction = rowsByAction();
      const rewards = deps.quality.allRewards();
      const actions = state.actions().map((a) => build(a.id, byAction.get(a.id) ?? [], rewards.get(a.id)));
      const total = actions.reduce(
        (acc, a) => ({ d: acc.d + a.decisions, r: acc.r + a.responses, i: acc.i + a.ignores }),
        { d: 0, r: 0, i: 0 },
      );
      return {
        actions,
        totals: { ...counts(total.d, total.r, total.i), responseRateCi: wilsonInterval(total.r, total.r + total.i) },
        unknownContextKeys: deps.unknownKeys?.snapshot() ?? {},
        refusedOutcomes: deps.refusedOutcomes?.() ?? 0,
        eligibilityErrors: state.policies.eligibilityErrors(),
        learner: deps.learnerLag?.() ?? { appliedSeq: 0, latestSeq: 0, lag: 0 },
      };
    },
  };
}
