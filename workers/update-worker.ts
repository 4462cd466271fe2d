/**
 * Piscina task module: folds one action's batch of outcomes into its posterior, off the main event loop.
 * Thin by design — the maths is `foldBatch` (src/learner/fold.ts → src/core), the same code the warm-start script
 * and the regret benchmark run. The result (a packed posterior) is moved back, not copied.
 */
import { move } from 'piscina';
import { foldBatchCounted } from '../src/learner/fold.js';
import { packFoldResult, taskBatch, unpackPosterior, type UpdateTask } from '../src/learner/update-task.js';

export default function update(task: UpdateTask): Float64Array {
  const post = unpackPosterior(task.likelihood, task.d, task.posterior);
  return move(packFoldResult(foldBatchCounted(task.policy, post, taskBatch(task)))) as Float64Array;
}
