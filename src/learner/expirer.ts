/**
 * Silence is an answer: a decision with no outcome after the feedback window is learned as an ignore (an implicit
 * negative). The expirer writes those ignores into the feedback log (source 'timeout'), where the learner folds
 * them in exactly like client feedback.
 */
import { periodic } from '../periodic.js';
import type { Db } from '../../db/open.js';
import { expireDecisions } from '../../db/stores/decisions.js';

export interface Expirer {
  /** Expires everything overdue now; resolves to the decisions closed. */
  runOnce(): number;
  start(): void;
  stop(): void;
}

const EXPIRE_CHUNK = 10_000;

export function createExpirer(deps: {
  db: Db;
  feedbackWindowMs: number;
  intervalMs: number;
  now: () => number;
  /** Called when ignores were written (wakes the learner). */
  onExpired: (count: number) => void;
  onError: (error: unknown) => void;
}): Expirer {
  const runOnce = (): number => {
    const now = deps.now();
    let total = 0;
    for (;;) {
      const n = expireDecisions(deps.db, now - deps.feedbackWindowMs, now, EXPIRE_CHUNK);
      total += n;
      if (n < EXPIRE_CHUNK) break;
    }
    if (total > 0) deps.onExpired(total);
    return total;
  };
  return { runOnce, ...periodic(runOnce, deps.intervalMs, deps.onError) };
}
