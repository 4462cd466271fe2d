/**
 * Worker thread of one off-policy evaluation (src/evaluation/runner.ts starts it): opens its own read-only connection
 * to the database file, replays the window (src/evaluation/evaluate-log.ts) and posts progress, then the outcome or
 * the error. Thin by design: the work is the same code the evaluate script runs.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openLogReader } from '../db/stores/evaluations.js';
import { evaluateLog } from '../src/evaluation/evaluate-log.js';
import type { WorkerInput, WorkerMessage } from '../src/evaluation/runner.js';

const input = workerData as WorkerInput;
const post = (message: WorkerMessage): void => parentPort!.postMessage(message);
try {
  const reader = openLogReader(input.file);
  try {
    const outcome = evaluateLog(reader, input.window, input.setup, input.total, (done) => post({ type: 'progress', done }));
    post({ type: 'done', outcome });
  } finally {
    reader.close();
  }
} catch (error) {
  post({ type: 'error', message: error instanceof Error ? error.message : String(error) });
}
