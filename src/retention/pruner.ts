/**
 * Retention (KAIROS_RETENTION): a background job that deletes decisions older than the retention period once they
 * are closed (the expirer closes a decision when its feedback window ends) and learned (every outcome of theirs is
 * folded into the posteriors), with their feedback, so the database stops growing under steady load. It deletes in
 * small transactions and yields to the event loop between them, so a request never waits for more than one batch;
 * it never runs on the request path. A pending or not yet learned decision is never deleted.
 */
import type { RetentionStore } from '../../db/stores/retention.js';
import { periodic } from '../periodic.js';
import { runInSlices } from '../sliced-work.js';

export interface Pruner {
  /** Deletes everything prunable now, batch by batch; resolves to the decisions deleted. */
  runOnce(): Promise<number>;
  start(): void;
  stop(): void;
}

/** One slice (transaction) of deleting takes about this long; requests wait behind one slice at most. */
export const SLICE_BUDGET_MS = 2;
/** Decisions in the first slice, and at most in any slice. */
export const PRUNE_BATCH = 250;
const MAX_SLICE = 5_000;

export function createPruner(deps: {
  store: RetentionStore;
  retentionMs: number;
  intervalMs: number;
  now: () => number;
  /** Called after a run that deleted something (logged). */
  onPruned: (count: number) => void;
  onError: (error: unknown) => void;
  /** Decisions in the first slice (tests use small ones to see several slices). */
  batchSize?: number;
}): Pruner {
  const batchSize = deps.batchSize ?? PRUNE_BATCH;
  let running: Promise<number> | undefined;
  let stopped = false;

  const prune = async (): Promise<number> => {
    const cutoff = deps.now() - deps.retentionMs;
    const total = await runInSlices((limit) => deps.store.pruneBatch(cutoff, limit), {
      budgetMs: SLICE_BUDGET_MS,
      initialRows: batchSize,
      maxRows: Math.max(batchSize, MAX_SLICE),
      stopped: () => stopped, // the engine is closing: the database may be gone after this turn
    });
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
