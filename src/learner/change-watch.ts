/**
 * Change detection as the learner applies it (KAIROS_CHANGE_DETECTION): each cycle's batch of a logistic action is
 * tested against the posterior it is about to be folded into (src/core/change-detection.ts); when any action's
 * outcomes have moved away from its model, every model restarts from the prior and learns the new behaviour
 * afresh, as a learner started at the change would (the restart rule of Monitored UCB, Cao et al. 2019).
 *
 * The statistics live in memory: a restart of the process starts them at zero, which can only delay an alarm; so
 * does a model replaced by an ops script (warm-start, copy, import), whose statistic starts again at zero.
 * Linear models are not tested: their single noise variance is a poor yardstick for rewards whose spread differs
 * between contexts (a −35 among +5s would look like a change), so they restart only with the rest.
 */
import { NO_CHANGE, testForChange, type ChangeStatistic } from '../core/change-detection.js';
import type { ObservationBatch, Posterior } from '../core/types.js';

export type ChangeStatistics = ReadonlyMap<string, ChangeStatistic>;

export interface ChangeVerdict {
  /** The tested actions' statistics after this cycle's outcomes (to be merged into the kept ones once it commits). */
  updates: Map<string, ChangeStatistic>;
  /** Actions whose outcomes raised the alarm (empty: no change found); after a restart every statistic starts at 0. */
  alarmed: string[];
}

/**
 * Tests one cycle's batches. `batches` pairs each action with the posterior its batch has not been folded into.
 * Pure: nothing is kept here, so a cycle that fails to commit and is recomputed counts its outcomes once.
 */
export function watchForChange(
  statistics: ChangeStatistics,
  batches: Iterable<{ actionId: string; posterior: Posterior; batch: ObservationBatch }>,
): ChangeVerdict {
  const updates = new Map<string, ChangeStatistic>();
  const alarmed: string[] = [];
  for (const { actionId, posterior, batch } of batches) {
    if (posterior.likelihood !== 'logistic') continue;
    const { stat, alarm } = testForChange(statistics.get(actionId) ?? NO_CHANGE, posterior, batch);
    updates.set(actionId, stat);
    if (alarm) alarmed.push(actionId);
  }
  return { updates, alarmed };
}

/** The statistics to keep once a cycle with this verdict has committed. Mutates and returns `statistics`. */
export function keepVerdict(statistics: Map<string, ChangeStatistic>, verdict: ChangeVerdict): Map<string, ChangeStatistic> {
  if (verdict.alarmed.length > 0) statistics.clear();
  else for (const [actionId, stat] of verdict.updates) statistics.set(actionId, stat);
  return statistics;
}
