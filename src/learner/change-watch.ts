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

/** One action's outcomes of a cycle, and the model (and its stored version) they are tested against. */
export interface WatchedBatch {
  actionId: string;
  posterior: Posterior;
  /** The model's stored version; a statistic is carried only while the version is the one it was kept with. */
  version?: number;
  batch: ObservationBatch;
}

export interface ChangeVerdict {
  /** The tested actions' statistics after this cycle's outcomes (kept by `keep` once the cycle commits). */
  updates: Map<string, ChangeStatistic>;
  /** Actions whose outcomes raised the alarm (empty: no change found). */
  alarmed: string[];
}

/** The statistics of every watched action, carried from cycle to cycle. */
export interface ChangeWatch {
  /**
   * Tests one cycle's batches, each against the posterior it has not been folded into. Changes nothing: a cycle that
   * fails to commit and is recomputed counts its outcomes once.
   */
  test(batches: Iterable<WatchedBatch>): ChangeVerdict;
  /**
   * Keeps a committed cycle's statistics, with the version each model got in the commit (a later test against another
   * version — an ops script replaced the model — starts that action afresh). After an alarm every statistic restarts.
   */
  keep(verdict: ChangeVerdict, versions?: ReadonlyMap<string, number>): void;
}

export function createChangeWatch(): ChangeWatch {
  const kept = new Map<string, { stat: ChangeStatistic; version: number | undefined }>();
  return {
    test(batches) {
      const updates = new Map<string, ChangeStatistic>();
      const alarmed: string[] = [];
      for (const { actionId, posterior, version, batch } of batches) {
        if (posterior.likelihood !== 'logistic') continue;
        const previous = kept.get(actionId);
        const from = previous && previous.version === version ? previous.stat : NO_CHANGE;
        const { stat, alarm } = testForChange(from, posterior, batch);
        updates.set(actionId, stat);
        if (alarm) alarmed.push(actionId);
      }
      return { updates, alarmed };
    },
    keep(verdict, versions) {
      if (verdict.alarmed.length > 0) kept.clear();
      else for (const [actionId, stat] of verdict.updates) kept.set(actionId, { stat, version: versions?.get(actionId) });
    },
  };
}
