/**
 * Background row work in slices. The expirer and the retention job write on the event loop's thread (one SQLite
 * connection), so a transaction that closes or deletes thousands of decisions stalls every request behind it: at
 * 500 decisions/s the expirer's default 30 s run closes ≈ 15,000 in one go. Here a job runs one slice per event-loop
 * turn, each sized from the time per row the previous slice took so that it lasts about `budgetMs`; requests wait
 * behind at most one slice.
 */
import { periodic } from './periodic.js';

/** One slice (transaction) of background row work takes about this long; requests wait behind one slice at most. */
export const SLICE_BUDGET_MS = 2;

export interface SliceOptions {
  /** Target duration of one slice (one transaction), ms. */
  budgetMs: number;
  /** Rows in the first slice. */
  initialRows: number;
  /** Rows in a slice at most (and at least 1). */
  maxRows: number;
  /** Checked between slices: true ends the run early (the engine is closing). */
  stopped?: () => boolean;
}

/** Yields to the event loop (I/O callbacks run before the next slice). */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Runs `slice(limit)` — which does at most `limit` rows in one transaction and returns how many it did — until a slice
 * does fewer than its limit. Resolves to the rows done in all.
 */
export async function runInSlices(slice: (limit: number) => number, options: SliceOptions): Promise<number> {
  let limit = Math.max(1, Math.min(options.maxRows, options.initialRows));
  let total = 0;
  for (;;) {
    const started = performance.now();
    const done = slice(limit);
    const ms = performance.now() - started;
    total += done;
    if (done < limit || options.stopped?.()) return total;
    // Next slice: as many rows as fit the budget at this slice's cost per row, at most doubling at a time.
    const perRowMs = ms / done;
    const fit = perRowMs > 0 ? Math.floor(options.budgetMs / perRowMs) : limit * 2;
    limit = Math.max(1, Math.min(options.maxRows, limit * 2, fit));
    await nextTurn();
    if (options.stopped?.()) return total; // stopped during the yield: the database may be closing
  }
}

/** A periodic background job whose runs are sliced. */
export interface SlicedJob {
  /** Runs the job now; a call while a run is going shares that run. Resolves to the rows done. */
  runOnce(): Promise<number>;
  start(): void;
  /** Stops the timer; resolves once a run in progress has ended (after its current slice). */
  stop(): Promise<void>;
}

/**
 * Runs `work` every `intervalMs`, one run at a time (a tick that finds the previous run still going skips).
 * `work` receives `stopped()` for its `runInSlices` options: true once the engine is closing, when the database may
 * be gone after the current turn.
 */
export function slicedJob(
  work: (stopped: () => boolean) => Promise<number>,
  intervalMs: number,
  onError: (error: unknown) => void,
): SlicedJob {
  let running: Promise<number> | undefined;
  let stopped = false;
  const isStopped = () => stopped;
  const runOnce = (): Promise<number> => {
    running ??= work(isStopped).finally(() => {
      running = undefined;
    });
    return running;
  };
  const timer = periodic(() => {
    if (!running) runOnce().catch(onError);
  }, intervalMs, onError);
  return {
    runOnce,
    start() {
      stopped = false;
      timer.start();
    },
    stop() {
      stopped = true;
      timer.stop();
      return running ? running.then(() => undefined, () => undefined) : Promise.resolve();
    },
  };
}
