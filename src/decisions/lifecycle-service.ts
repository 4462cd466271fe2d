/**
 * Deferred activation and the audit trail (DESIGN.md §8.5). A decision taken with `activate: false` is stored but
 * is no contact and is not learned until it is activated here (or implicitly by an outcome, in the feedback
 * service); the expirer drops one never activated without an implicit ignore.
 */
import { monteCarloError } from '../core/selection-probability.js';
import { AppError } from '../errors.js';
import type { DecisionLog } from '../domain/decision-log.js';
import type { DecisionLifecycleStore } from './decision-store.js';
import type { DecisionAudit, DecisionLifecycleService } from './types.js';

export interface LifecycleDeps {
  store: DecisionLifecycleStore;
  /** A decision still in the group-commit buffer is flushed first, so it can be activated or read at once. */
  log: Pick<DecisionLog, 'holds' | 'flush'>;
  now: () => number;
}

const notFound = (decisionId: string): AppError =>
  new AppError('not_found', `decision '${decisionId}' does not exist`, [{ field: 'decisionId', message: 'no such decision' }]);

export function createDecisionLifecycleService(deps: LifecycleDeps): DecisionLifecycleService {
  const settle = (decisionId: string): void => {
    if (deps.log.holds(decisionId)) deps.log.flush();
  };
  return {
    activate(decisionId) {
      settle(decisionId);
      const result = deps.store.activate(decisionId, deps.now());
      if (result === 'unknown') throw notFound(decisionId);
      if (result === 'expired') {
        throw new AppError(
          'conflict',
          `decision '${decisionId}' was never activated within its feedback window: it was closed and dropped from learning`,
          [{ field: 'decisionId', message: 'closed unactivated after the feedback window' }],
        );
      }
    },
    get(decisionId): DecisionAudit {
      settle(decisionId);
      const stored = deps.store.audit(decisionId);
      if (!stored) throw notFound(decisionId);
      return {
        decisionId: stored.decisionId,
        createdAt: new Date(stored.createdAt).toISOString(),
        customerId: stored.customerId,
        channel: stored.channel,
        group: stored.group,
        activated: stored.activated,
        probabilityMethod: stored.probabilityMethod,
        noActionProbability: stored.noActionProbability,
        probabilityDraws: stored.probabilityDraws,
        actions: stored.actions.map((a) => ({
          actionId: a.actionId,
          slot: a.slot,
          propensity: a.propensity,
          probability: a.probability,
          // The same error the decision answered with, from the stored frequency and re-draws.
          ...(stored.probabilityMethod === 'monte-carlo' && stored.probabilityDraws !== null ? { probabilityError: monteCarloError(a.probability, stored.probabilityDraws) } : {}),
          ...(a.outcome !== null ? { outcome: a.outcome } : {}),
          ...(a.reward !== null ? { reward: a.reward } : {}),
          ...(a.outcomeAt !== null ? { outcomeAt: new Date(a.outcomeAt).toISOString() } : {}),
        })),
      };
    },
  };
}
