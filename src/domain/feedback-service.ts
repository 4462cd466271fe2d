/**
 * Outcomes: validated against the decision they answer, committed to the append-only feedback log before the
 * caller gets its 202, and learned later by the learner (exactly once, in order).
 */
import type { Db } from '../../db/open.js';
import { getDecision } from '../../db/stores/decisions.js';
import { insertFeedback, insertFeedbackActivating } from '../../db/stores/feedback.js';
import { MAX_ABS_REWARD } from '../core/limits.js';
import { AppError } from '../errors.js';
import type { DecisionLog } from './decision-log.js';
import type { FeedbackRequest, FeedbackResponse, FeedbackService } from './types.js';

export interface FeedbackDeps {
  db: Db;
  log: DecisionLog;
  now: () => number;
  /** Called after a new outcome is committed (wakes the learner). */
  onRecorded: () => void;
}

export function createFeedbackService(deps: FeedbackDeps): FeedbackService {
  return {
    record(decisionId: string, request: FeedbackRequest): FeedbackResponse {
      if (deps.log.holds(decisionId)) deps.log.flush();
      const decision = getDecision(deps.db, decisionId);
      if (!decision) throw new AppError('not_found', `decision '${decisionId}' does not exist`, [{ field: 'decisionId', message: 'no such decision' }]);
      if (decision.actions.length === 0) {
        throw new AppError('unprocessable', `decision '${decisionId}' chose no action, so there is no outcome to learn`);
      }
      const actionId = request.actionId ?? decision.actions[0]!.actionId;
      if (!decision.actions.some((a) => a.actionId === actionId)) {
        throw new AppError('unprocessable', `action '${actionId}' was not part of decision '${decisionId}'`, [
          { field: 'actionId', message: `not one of ${decision.actions.map((a) => a.actionId).join(', ')}` },
        ]);
      }
      if (request.reward !== undefined && !(Math.abs(request.reward) <= MAX_ABS_REWARD)) {
        const message = `must be a finite number with |reward| ≤ ${MAX_ABS_REWARD}`;
        throw new AppError('validation', `reward ${message}`, [{ field: 'reward', message }]);
      }
      // Deferred activation: a decision never activated is closed by the expirer without an ignore (dropped from
      // learning); a late outcome must not bring it back. One not yet closed is activated by its outcome.
      if (decision.activated === false && decision.status === 'closed') {
        throw new AppError('conflict', `decision '${decisionId}' was never activated within its feedback window: it was dropped from learning`, [
          { field: 'decisionId', message: 'closed unactivated after the feedback window' },
        ]);
      }
      const write = decision.activated === false ? insertFeedbackActivating : insertFeedback;
      const result = write(deps.db, {
        decisionId,
        actionId,
        outcome: request.outcome,
        reward: request.reward ?? null,
        createdAt: deps.now(),
        source: 'client',
      });
      if (!result.inserted) {
        return { decisionId, actionId, outcome: result.existing.outcome, duplicate: true };
      }
      deps.onRecorded();
      return { decisionId, actionId, outcome: request.outcome, duplicate: false };
    },
  };
}
