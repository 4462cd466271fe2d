/** Per-action statistics for data scientists: volumes, response rates with Wilson intervals, posterior coefficients. */
import { wilsonInterval } from '../core/intervals.js';
import { posteriorSd } from '../core/update.js';
import type { Db } from '../../db/open.js';
import { countsByActionAndChannel, type CountsRow } from '../../db/stores/stats.js';
import { AppError } from '../errors.js';
import type { EngineState } from './engine-state.js';
import type { KeyCounter } from './key-counter.js';
import type { LearnerLag } from '../dashboard/types.js';
import type { ActionStats, ChannelCounts, StatsOverview, StatsService } from './types.js';

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
  unknownKeys?: KeyCounter;
  /** Outcomes the learner refused so far (the updater's count). */
  refusedOutcomes?: () => number;
  /** The learner's lag behind the outcome log (src/dashboard); absent: reported as 0 behind 0. */
  learnerLag?: () => LearnerLag;
}): StatsService {
  const { state } = deps;

  const build = (actionId: string, rows: readonly CountsRow[]): ActionStats => {
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
    return {
      actionId,
      ...counts(decisions, responses, ignores),
      responseRateCi: wilsonInterval(responses, responses + ignores),
      byChannel,
      eligibilityErrors: state.policies.eligibilityErrors()[actionId] ?? 0,
      model: {
        likelihood: entry.posterior.likelihood,
        observations: entry.posterior.observations,
        version: entry.version,
        updatedAt: entry.updatedAt === null ? null : new Date(entry.updatedAt).toISOString(),
        coefficients: slots.map((feature, j) => ({ feature, mean: entry.posterior.mean[j]!, sd: sd[j]! })),
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
      return build(actionId, rowsByAction().get(actionId) ?? []);
    },
    all(): StatsOverview {
      const byAction = rowsByAction();
      const actions = state.actions().map((a) => build(a.id, byAction.get(a.id) ?? []));
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
