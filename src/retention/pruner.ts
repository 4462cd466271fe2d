/**
 * Retention (KAIROS_RETENTION): a background job that deletes decisions older than the retention period once they
 * are closed (the expirer closes a decision when its feedback window ends) and learned (every outcome of theirs is
 * folded into the posteriors), with their feedback, so the database stops growing under steady load. It deletes in
 * small transactions and yields to the event loop between them, so a request never waits for more than one batch;
 * it never runs on the request path. A pending or not yet learned decision is never deleted.
 */
import type { RetentionStore } from '../../db/stores/retention.js';
import { periodic } from '../periodic.js';

export interface Pruner {
  /** Deletes everything prunable now, batch by batch; resolves to the decisions deleted. */
  runOnce(): Promise<number>;
  start(): void;
  stop(): void;
}

/** Decisions per transaction: a few milliseconds of the event loop at most. */
export const PRUNE_BATCH = 250;

export function createPruner(deps: {
  store: RetentionStore;
  retentionMs: number;
  intervalMs: number;
  now: () => number;
  /** Called after a run that deleted something (logged). */
  onPruned: (count: number) => void;
  onError: (error: unknown) => void;
  batchSize?: number;
}): Pruner {
  const batchSize = deps.batchSize ?? PRUNE_BATCH;
  let running: Promise<number> | undefined;
  let stopped = false;

  const prune = async (): Promise<number> => {
    const cutoff = deps.now() - deps.retentionMs;
    let total = 0;
    for (;;) {
      const n = deps.store.pruneBatch(cutoff, batchSize);
      total += n;
      if (n < batchSize) break;
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (stopped) break; // the engine is closing: the database may be gone after this turn
    }
    if (total > 0) deps.onPruned(total);
    return total;
  };

  // One run at a time: a tick that finds the previous run still deleting skips.
  const runOnce = (): Promise<number> => {
    running ??= prune().finally(() => {
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
