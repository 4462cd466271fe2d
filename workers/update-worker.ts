/**
 * Piscina task module: folds one action's batch of outcomes into its posterior, off the main event loop.
 * Thin by design — the maths is `foldBatch` (src/learner/fold.ts → src/core), the same code the warm-start script
 * and the regret benchmark run. The result (a packed posterior with its covariance) is moved back, not copied.
 */
import { move } from 'piscina';
import { inverseFromCholesky } from '../src/core/linalg.js';
import { foldBatchCounted } from '../src/learner/fold.js';
import { packFoldResult, taskBatch, unpackPosterior, type UpdateTask } from '../src/learner/update-task.js';

export default function update(task: UpdateTask): Float64Array {
  const post = unpackPosterior(task.likelihood, task.d, task.posterior);
  const result = foldBatchCounted(task.policy, post, taskBatch(task));
  // The covariance each decision scores with, inverted here: O(d³) that would otherwise stall the event loop.
  const covariance = new Float64Array(task.d * task.d);
  inverseFromCholesky(result.posterior.cholPrecision, task.d, covariance);
  return move(packFoldResult({ ...result, covariance })) as Float64Array;
}
