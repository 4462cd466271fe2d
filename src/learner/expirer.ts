/**
 * Silence is an answer: a decision with no outcome after the feedback window is learned as an ignore (an implicit
 * negative). The expirer writes those ignores into the feedback log (source 'timeout'), where the learner folds
 * them in exactly like client feedback.
 */
import { runInSlices, SLICE_BUDGET_MS, slicedJob, type SlicedJob } from '../sliced-work.js';
import type { Db } from '../../db/open.js';
import { expireDecisions } from '../../db/stores/decisions.js';

/** Expires everything overdue, in slices of about `SLICE_BUDGET_MS`; `runOnce` resolves to the decisions closed. */
export type Expirer = SlicedJob;

const MAX_SLICE = 10_000;

export function createExpirer(deps: {
  db: Db;
  feedbackWindowMs: number;
  intervalMs: number;
  now: () => number;
  /** Called when ignores were written (wakes the learner). */
  onExpired: (count: number) => void;
  onError: (error: unknown) => void;
}): Expirer {
  return slicedJob(
    async (stopped) => {
      const now = deps.now();
      const total = await runInSlices((limit) => expireDecisions(deps.db, now - deps.feedbackWindowMs, now, limit), {
        budgetMs: SLICE_BUDGET_MS,
        initialRows: 100,
        maxRows: MAX_SLICE,
        stopped,
      });
      if (total > 0) deps.onExpired(total);
      return total;
    },
    deps.intervalMs,
    deps.onError,
  );
}
