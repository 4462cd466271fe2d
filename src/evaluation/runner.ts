/**
 * Runs an evaluation off the event loop: a dedicated worker thread (node:worker_threads) per evaluation, with its own
 * read-only SQLite connection streaming the window (workers/evaluation-worker.ts). A Piscina task would hold a pool
 * thread for the whole replay, which is the learner's; an evaluation is rare and long, so it gets its own thread.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { LogWindow } from './evaluate-log.js';
import type { ReplayOutcome, ReplaySetup } from './types.js';

export interface WorkerInput {
  file: string;
  window: LogWindow;
  setup: ReplaySetup;
  total: number;
}

export type WorkerMessage = { type: 'progress'; done: number } | { type: 'done'; outcome: ReplayOutcome } | { type: 'error'; message: string };

export interface RunCallbacks {
  progress(done: number): void;
  done(outcome: ReplayOutcome): void;
  failed(message: string): void;
}

/** Starts evaluations; `close` stops the ones still running (their records stay 'running' until the next start). */
export interface EvaluationRunner {
  start(input: Omit<WorkerInput, 'file'>, callbacks: RunCallbacks): void;
  /** Evaluations still running. */
  running(): number;
  close(): Promise<void>;
}

/**
 * The compiled worker next to the build output when it exists, else the `.ts` source through tsx (as updater.ts).
 * On Node 20 a worker inherits neither the main thread's tsx hooks nor an `--import tsx` in its execArgv ("Unknown
 * file extension .ts"), so the source is started by a one-line script that registers tsx's hooks, then imports it.
 */
function workerSource(): { source: string; eval: boolean; execArgv: string[] } {
  const js = fileURLToPath(new URL('../../workers/evaluation-worker.js', import.meta.url));
  if (existsSync(js)) return { source: js, eval: false, execArgv: [] };
  const ts = new URL('../../workers/evaluation-worker.ts', import.meta.url).href;
  const api = import.meta.resolve('tsx/esm/api');
  return { source: `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(ts)}); });`, eval: true, execArgv: [] };
}

export function createWorkerRunner(file: string): EvaluationRunner {
  const workers = new Set<Worker>();
  return {
    start(input, callbacks) {
      const { source, eval: isEval, execArgv } = workerSource();
      const worker = new Worker(source, { eval: isEval, execArgv, workerData: { ...input, file } satisfies WorkerInput });
      workers.add(worker);
      let settled = false;
      const settle = (fn: () => void): void => {
        if (settled) return;
        settled = true;
        fn();
      };
      worker.on('message', (message: WorkerMessage) => {
        if (message.type === 'progress') {
          if (!settled) callbacks.progress(message.done);
        } else if (message.type === 'done') settle(() => callbacks.done(message.outcome));
        else settle(() => callbacks.failed(message.message));
      });
      worker.on('error', (error) => settle(() => callbacks.failed(error.message)));
      worker.on('exit', (code) => {
        workers.delete(worker);
        settle(() => callbacks.failed(`the evaluation worker exited with code ${code} before it finished`));
      });
    },
    running: () => workers.size,
    async close() {
      await Promise.all([...workers].map((w) => w.terminate()));
    },
  };
}
