/**
 * Silence is an answer: a decision with no outcome after the feedback window is learned as an ignore (an implicit
 * negative). The expirer writes those ignores into the feedback log (source 'timeout'), where the learner folds
 * them in exactly like client feedback.
 */
import { periodic } from '../periodic.js';
import { runInSlices } from '../sliced-work.js';
import type { Db } from '../../db/open.js';
import { expireDecisions } from '../../db/stores/decisions.js';

export interface Expirer {
  /**
   * Expires everything overdue now, in slices of about `SLICE_BUDGET_MS` each with the event loop free between them;
   * resolves to the decisions closed. A run that finds another still going shares it.
   */
  runOnce(): Promise<number>;
  start(): void;
  stop(): void;
}

/** One slice (transaction) of closing takes about this long; requests wait behind one slice at most. */
export const SLICE_BUDGET_MS = 2;
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
  let running: Promise<number> | undefined;
  let stopped = false;
  const expire = async (): Promise<number> => {
    const now = deps.now();
    const total = await runInSlices((limit) => expireDecisions(deps.db, now - deps.feedbackWindowMs, now, limit), {
      budgetMs: SLICE_BUDGET_MS,
      initialRows: 100,
      maxRows: MAX_SLICE,
      stopped: () => stopped, // the engine is closing: the database may be gone after this turn
    });
    if (total > 0) deps.onExpired(total);
    return total;
  };
  const runOnce = (): Promise<number> => {
    running ??= expire().finally(() => {
      running = undefined;
    });
    return running;
  };
  const timer = periodic(() => {
    if (!running) runOnce().catch(deps.onError);
  }, deps.intervalMs, deps.onError);
  return {
    runOnce,
    start() {
      stopped = false;
      timer.start();
    },
    stop() {
      stopped = true;
      timer.stop();
    },
  };
}
