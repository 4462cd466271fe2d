/**
 * Where posterior updates run. The service uses a Piscina pool (worker threads, so a large batch never blocks
 * decisions); tests and scripts may use the inline updater, which runs the very same `foldBatch` on the caller's thread.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { ObservationBatch, Posterior } from '../core/types.js';
import { foldBatchCounted, type LearningPolicy } from './fold.js';
import { toTask, unpackFoldResult } from './update-task.js';

export interface Updater {
  /** The posterior after folding the batch in, in order. Never mutates `post`. */
  fold(post: Posterior, batch: ObservationBatch): Promise<Posterior>;
  /**
   * Outcomes refused since the updater started: they would have made a model non-finite or lie outside the bounds
   * of src/core/limits.ts (the model kept its last finite state instead).
   */
  refused(): number;
  /**
   * Λ⁻¹ of a posterior this updater returned, when it was computed off the caller's thread (the pool does; the inline
   * updater does not, and decisions then invert it on first use).
   */
  covarianceOf(post: Posterior): Float64Array | undefined;
  ready(): boolean;
  close(): Promise<void>;
}

export function createInlineUpdater(policy: LearningPolicy): Updater {
  let closed = false;
  let refused = 0;
  return {
    fold: async (post, batch) => {
      const result = foldBatchCounted(policy, post, batch);
      refused += result.refused;
      return result.posterior;
    },
    refused: () => refused,
    covarianceOf: () => undefined,
    ready: () => !closed,
    close: async () => {
      closed = true;
    },
  };
}

/**
 * The worker module: the compiled `.js` next to this file's build output when it exists, else the `.ts` source
 * loaded through tsx (development, tests, `npm start`).
 */
function workerFile(): { filename: string; execArgv: string[] } {
  const js = fileURLToPath(new URL('../../workers/update-worker.js', import.meta.url));
  if (existsSync(js)) return { filename: js, execArgv: [] };
  const ts = fileURLToPath(new URL('../../workers/update-worker.ts', import.meta.url));
  return { filename: ts, execArgv: ['--import', 'tsx'] };
}

export function createPoolUpdater(policy: LearningPolicy, threads: number): Updater {
  const { filename, execArgv } = workerFile();
  const pool = new Piscina({
    filename,
    execArgv,
    minThreads: threads,
    maxThreads: threads,
    // One task per action with feedback in the cycle: the queue is bounded by the catalog size, and the learner
    // awaits each cycle before reading the next, so there is no runaway backlog to cap.
    idleTimeout: 60_000,
  });
  let closed = false;
  let refused = 0;
  // Keyed by the posterior objects fold returned (immutable snapshots), so an entry dies with its posterior.
  const covariances = new WeakMap<Posterior, Float64Array>();
  return {
    refused: () => refused,
    covarianceOf: (post) => covariances.get(post),
    async fold(post, batch) {
      const task = toTask(policy, post, batch);
      const transferList = [task.posterior.buffer, task.x.buffer, task.y.buffer].filter(
        (b, i, all): b is ArrayBuffer => b instanceof ArrayBuffer && all.indexOf(b) === i,
      );
      const packed = (await pool.run(task, { transferList })) as Float64Array;
      const result = unpackFoldResult(post.likelihood, post.d, packed);
      refused += result.refused;
      if (result.covariance) covariances.set(result.posterior, result.covariance);
      return result.posterior;
    },
    ready: () => !closed && pool.threads.length > 0,
    async close() {
      if (closed) return;
      closed = true;
      await pool.close();
    },
  };
}
